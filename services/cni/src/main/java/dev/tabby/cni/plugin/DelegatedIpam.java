package dev.tabby.cni.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.model.net.Cidr;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Another IPAM plugin (host-local, ...), run from CNI_PATH the way a runtime runs plugins: the same CNI_*
 * environment with the command set, the whole network configuration on stdin. Calico delegates the same way.
 */
final class DelegatedIpam implements AddressSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;

    @Override
    public Lease acquire(Workload w, NetConf conf, CniEnv env, Supplier<PoolView> pools) {
        byte[] out = run("ADD", conf, env);
        CniResult result = CniResult.fromJson(out);
        if (result.ips().isEmpty()) {
            release(w, conf, env);
            throw new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + conf.ipam().type() + " returned no addresses");
        }
        List<Cidr> addresses = new ArrayList<>();
        // Calico routes each address as a host route, whatever subnet the IPAM plugin gave it.
        result.ips().forEach(ip -> addresses.add(new Cidr(ip.address().address(), ip.address().address().bitLength())));
        return new Lease(addresses, result.ips().stream().map(CniResult.IpConfig::address).toList(), true);
    }

    @Override
    public void release(Workload w, NetConf conf, CniEnv env) {
        run("DEL", conf, env);
    }

    private byte[] run(String command, NetConf conf, CniEnv env) {
        String type = conf.ipam().type();
        Path plugin = find(type, env);
        ProcessBuilder pb = new ProcessBuilder(plugin.toString());
        Map<String, String> penv = pb.environment();
        penv.keySet().removeIf(k -> k.startsWith("CNI_"));
        penv.put("CNI_COMMAND", command);
        penv.put("CNI_CONTAINERID", env.containerId());
        penv.put("CNI_IFNAME", env.ifName());
        penv.put("CNI_PATH", env.path());
        if (env.netns() != null) {
            penv.put("CNI_NETNS", env.netns());
        }
        StringBuilder args = new StringBuilder();
        env.args().forEach((k, v) -> args.append(args.length() == 0 ? "" : ";").append(k).append('=').append(v));
        if (args.length() > 0) {
            penv.put("CNI_ARGS", args.toString());
        }
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(conf.raw()));
            }
            byte[] stdout;
            try (InputStream out = p.getInputStream()) {
                stdout = out.readAllBytes();
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + plugin + " " + command + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw delegateError(plugin, command, stdout, p.exitValue());
            }
            return stdout;
        } catch (IOException e) {
            throw new CniError(CniError.IPAM_FAILURE, "cannot run IPAM plugin " + plugin + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniError(CniError.TRY_AGAIN_LATER, "interrupted while waiting for IPAM plugin " + plugin);
        }
    }

    /** The delegate's own error, with its code, prefixed with who said it. */
    private static CniError delegateError(Path plugin, String command, byte[] stdout, int exit) {
        try {
            JsonNode e = JSON.readTree(stdout);
            if (e != null && e.has("code")) {
                String details = e.hasNonNull("details") ? e.get("details").asText() : null;
                return new CniError(e.get("code").asInt(CniError.IPAM_FAILURE),
                        "IPAM plugin " + plugin.getFileName() + " " + command + ": " + e.path("msg").asText(), details);
            }
        } catch (IOException notJson) {
            // fall through
        }
        return new CniError(CniError.IPAM_FAILURE, "IPAM plugin " + plugin + " " + command + " exited with " + exit
                + ": " + new String(stdout, StandardCharsets.UTF_8).strip());
    }

    private static Path find(String type, CniEnv env) {
        if (type.contains("/")) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam.type \"" + type + "\" must be a plugin name, not a path");
        }
        if (env.path() == null) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_PATH is not set, so IPAM plugin " + type + " cannot be found");
        }
        for (String dir : env.path().split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, type);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new CniError(CniError.INVALID_NETWORK_CONFIG, "IPAM plugin \"" + type + "\" is not in CNI_PATH (" + env.path()
                + "); install it there or use \"tabby-ipam\"");
    }
}
