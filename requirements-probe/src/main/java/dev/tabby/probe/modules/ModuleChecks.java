package dev.tabby.probe.modules;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Mode;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.CommandOutput;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.modules.ModuleSpec.Need;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * module-&lt;name&gt; for every kernel module of the requirements page. Loaded, built-in and loadable pass; missing
 * fails, except that a module a mode declares ({@link Mode#modules()}: ipip for IP-in-IP) fails only when that mode
 * is in use, optional modules (sctp, xt_ipvs) warn unless a mode in use declares them, and IPv6-only modules only
 * warn on a host with IPv6 off; each says what cannot work without it. Unknown (the host shows too little) warns
 * as not tested, with the reason.
 */
public final class ModuleChecks implements Check {
    public static final String PREFIX = "module-";

    @Override
    public List<String> ids() {
        return ModuleCatalog.SEED.stream().map(n -> PREFIX + n).toList();
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        KernelModules modules = ctx.modules();
        HostRoot host = ctx.host();
        boolean ipv6On = host.network().isDirectory("/proc/sys/net/ipv6");
        List<CheckResult> out = new ArrayList<>();
        for (ModuleSpec spec : ModuleCatalog.specs(ctx.kernel().version())) {
            ModuleFinding f = modules.resolve(spec);
            if (f.state() == ModuleState.UNKNOWN && spec.name().equals("ip_set") && host.live()) {
                f = scratchIpset(host, spec, f, modules.noModuleSupport());
            }
            out.add(verdict(ctx, spec, f, ipv6On));
        }
        return out;
    }

    private static CheckResult verdict(ProbeContext ctx, ModuleSpec spec, ModuleFinding f, boolean ipv6On) {
        String id = PREFIX + spec.name();
        Set<Mode> needing = Mode.needing(spec.name());
        String required = spec.name() + " loaded, built-in or loadable, for " + spec.purpose()
                + (!needing.isEmpty() ? " (only with " + needing.stream().map(ModuleChecks::pools)
                        .collect(Collectors.joining(" or ")) + ")" : switch (spec.need()) {
                    case ALWAYS, MODE -> "";
                    case IPV6 -> " (only where IPv6 is on)";
                    case OPTIONAL -> " (optional)";
                });
        String symbols = String.join(" or ", spec.configSymbols());
        return switch (f.state()) {
            case LOADED, BUILT_IN, LOADABLE -> CheckResult.pass(id, f.observed(), required);
            case UNKNOWN -> CheckResult.notTested(id, Status.WARN, f.observed(), required,
                    "let the probe see the kernel config (/proc/config.gz or /boot/config-<release>) or "
                            + "/lib/modules/<release>, or check by hand: modprobe -n -v " + spec.name());
            case MISSING -> {
                String remedy = "boot a kernel built with " + symbols + " (=m or =y), as most distribution kernels are";
                if (!needing.isEmpty()) {
                    boolean inUse = needing.stream().anyMatch(ctx::inUse);
                    String cannot = needing.stream().map(ModuleChecks::pools).collect(Collectors.joining(" and "));
                    CheckResult r = new CheckResult(id, inUse ? Status.FAIL : Status.WARN, f.observed() + "; " + cannot
                            + " cannot work on this host" + (inUse ? "" : " (" + needing.stream().map(Mode::title)
                            .collect(Collectors.joining(", ")) + " is not in use)"), required,
                            remedy + (needing.contains(Mode.IPIP) ? "; or use VXLAN pools instead of IP-in-IP" : ""));
                    Mode[] modes = needing.toArray(Mode[]::new);
                    yield r.rulingOut(modes[0], Arrays.copyOfRange(modes, 1, modes.length));
                }
                if (spec.need() == Need.OPTIONAL) {
                    yield CheckResult.warn(id, f.observed() + "; " + ModuleCatalog.withoutIt(spec.name()), required,
                            remedy + ", if that is wanted");
                }
                if (spec.need() == Need.IPV6 && !ipv6On) {
                    yield CheckResult.warn(id, f.observed() + "; IPv6 is off on this host, so IPv6 pools cannot "
                            + "work here", required, remedy + ", if IPv6 pools are wanted");
                }
                yield CheckResult.fail(id, f.observed(), required, remedy);
            }
        };
    }

    /** IP-in-IP pools, VXLAN pools, BGP. */
    private static String pools(Mode m) {
        return m == Mode.BGP ? m.title() : m.title() + " pools";
    }

    /** When the files are silent about ip_set, try it: a scratch set, always destroyed. */
    private static ModuleFinding scratchIpset(HostRoot host, ModuleSpec spec, ModuleFinding silent,
                                              boolean noModuleSupport) {
        List<String> evidence = new ArrayList<>(silent.evidence());
        if (host.findBinary("ipset").isEmpty()) {
            evidence.add("scratch ipset test skipped: no ipset binary");
            return new ModuleFinding(spec, ModuleState.UNKNOWN, null, evidence);
        }
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String name = "tabby-probe-" + HexFormat.of().formatHex(random);
        CommandOutput created = host.run("ipset-create", "ipset", "create", name, "hash:ip");
        try {
            if (created.ok()) {
                evidence.add("a scratch ipset (" + name + ") was created and destroyed");
                return new ModuleFinding(spec, noModuleSupport ? ModuleState.BUILT_IN : ModuleState.LOADED,
                        "ip_set", evidence);
            }
            evidence.add("a scratch ipset could not be created: " + created.problem());
            return new ModuleFinding(spec, ModuleState.UNKNOWN, null, evidence);
        } finally {
            if (created.ok()) {
                host.run("ipset-destroy", "ipset", "destroy", name);
            }
        }
    }
}
