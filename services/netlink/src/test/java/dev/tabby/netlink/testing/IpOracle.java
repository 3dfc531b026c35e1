package dev.tabby.netlink.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the kernel holds in one namespace, as {@code ip -j} and {@code bridge -j} report it, parsed into plain
 * maps and lists. Numbers that iproute2 would name (protocol, table, scope, type) are asked for numerically
 * ({@code -N}) so tests compare them with the API's numbers.
 */
public final class IpOracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {
    };

    private final String ns;

    public IpOracle(String ns) {
        this.ns = ns;
    }

    /** {@code ip -d link show}: every link with details (linkinfo.info_kind, info_data, ...). */
    public List<Map<String, Object>> links() {
        return ip("-d", "link", "show");
    }

    /** One link by name, if it exists. */
    public Optional<Map<String, Object>> link(String name) {
        return links().stream().filter(l -> name.equals(l.get("ifname"))).findFirst();
    }

    /** The addr_info entries of {@code dev}, each with "family" (inet / inet6), "local", "prefixlen", "scope", ... */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> addrs(String dev) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> link : ip("addr", "show", "dev", dev)) {
            out.addAll((List<Map<String, Object>>) link.getOrDefault("addr_info", List.of()));
        }
        return out;
    }

    /** IPv4 routes of {@code table} (a number, "main", or "all"). */
    public List<Map<String, Object>> routes(String table) {
        return ip("-N", "-d", "-4", "route", "show", "table", table);
    }

    /** IPv6 routes of {@code table}. */
    public List<Map<String, Object>> routes6(String table) {
        return ip("-N", "-d", "-6", "route", "show", "table", table);
    }

    /** The route to exactly {@code dst} ("10.1.0.0/26"; a host route prints without /32) in {@code table}, IPv4 or IPv6. */
    public Optional<Map<String, Object>> route(String table, String dst) {
        List<Map<String, Object>> all = dst.contains(":") ? routes6(table) : routes(table);
        String bare = dst.endsWith("/32") || dst.endsWith("/128") ? dst.substring(0, dst.indexOf('/')) : dst;
        return all.stream().filter(r -> bare.equals(r.get("dst")) || dst.equals(r.get("dst"))).findFirst();
    }

    /** IPv4 and IPv6 neighbours on {@code dev}: "dst", "lladdr", "state" (a list such as ["PERMANENT"]). */
    public List<Map<String, Object>> neighs(String dev) {
        List<Map<String, Object>> out = new ArrayList<>(ip("-4", "neigh", "show", "dev", dev));
        out.addAll(ip("-6", "neigh", "show", "dev", dev));
        return out;
    }

    /** {@code bridge fdb show dev DEV}: "mac", "dst", "flags" (["self"]), "state". */
    public List<Map<String, Object>> fdb(String dev) {
        return parse(Cmd.run("bridge", "-n", ns, "-j", "fdb", "show", "dev", dev));
    }

    /** A sysctl as {@code sysctl -n} prints it inside the namespace, e.g. "net.ipv4.conf.eth0.forwarding". */
    public String sysctl(String dottedName) {
        return Cmd.run("ip", "netns", "exec", ns, "sysctl", "-n", dottedName).strip();
    }

    private List<Map<String, Object>> ip(String... args) {
        String[] cmd = new String[args.length + 4];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = ns;
        cmd[3] = "-j";
        System.arraycopy(args, 0, cmd, 4, args.length);
        return parse(Cmd.run(cmd));
    }

    private static List<Map<String, Object>> parse(String json) {
        if (json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, LIST);
        } catch (Exception e) {
            throw new IllegalStateException("iproute2 printed JSON that does not parse: " + json, e);
        }
    }
}
