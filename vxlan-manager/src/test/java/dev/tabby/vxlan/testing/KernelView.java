package dev.tabby.vxlan.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.netlink.testing.Cmd;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one node namespace holds of ours, read with iproute2 (the oracle) and flattened to comparable lines:
 * {@code bridge -j fdb show dev vxlan.calico}, {@code ip -j neigh show dev vxlan.calico},
 * {@code ip -j route show proto 81}.
 */
public final class KernelView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {
    };

    private KernelView() {
    }

    /** "MAC dst IP state" per FDB entry on vxlan.calico. */
    public static Set<String> fdb(String ns) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> e : parse(Cmd.run("bridge", "-n", ns, "-j", "fdb", "show", "dev", "vxlan.calico"))) {
            out.add(e.get("mac") + " dst " + e.get("dst") + " " + e.get("state"));
        }
        return out;
    }

    /** "IP lladdr MAC STATE" per neighbour on vxlan.calico. */
    public static Set<String> neigh(String ns) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> e : parse(Cmd.run("ip", "-n", ns, "-j", "neigh", "show", "dev", "vxlan.calico"))) {
            out.add(e.get("dst") + " lladdr " + e.get("lladdr") + " " + e.get("state"));
        }
        return out;
    }

    /** "DST via GW dev DEV [onlink]", or "blackhole DST", per route of proto 81 in the main table. */
    @SuppressWarnings("unchecked")
    public static Set<String> routes(String ns) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> e : parse(Cmd.run("ip", "-n", ns, "-j", "route", "show", "proto", "81"))) {
            if ("blackhole".equals(e.get("type"))) {
                out.add("blackhole " + e.get("dst"));
                continue;
            }
            List<String> flags = (List<String>) e.getOrDefault("flags", List.of());
            out.add(e.get("dst") + " via " + e.get("gateway") + " dev " + e.get("dev") + (flags.contains("onlink") ? " onlink" : ""));
        }
        return out;
    }

    /** Every route of the main table with the given protocol (a name or number), "DST [via GW] [dev DEV]". */
    public static Set<String> routesOfProtocol(String ns, String protocol) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> e : parse(Cmd.run("ip", "-n", ns, "-j", "route", "show", "proto", protocol))) {
            out.add(e.get("dst") + (e.containsKey("gateway") ? " via " + e.get("gateway") : "")
                    + (e.containsKey("dev") ? " dev " + e.get("dev") : ""));
        }
        return out;
    }

    /** The kernel's route lookup, {@code ip route get ADDR}, as iproute2 prints it. */
    public static String routeGet(String ns, String address) {
        Cmd.Result r = Cmd.exec("ip", "-n", ns, "route", "get", address);
        return (r.stdout() + r.stderr()).strip();
    }

    public static boolean hasDevice(String ns) {
        return Cmd.exec("ip", "-n", ns, "link", "show", "vxlan.calico").exitCode() == 0;
    }

    /** The device as {@code ip -d -j link show} reports it. */
    public static Map<String, Object> device(String ns) {
        return parse(Cmd.run("ip", "-n", ns, "-d", "-j", "link", "show", "vxlan.calico")).get(0);
    }

    /** Packets vxlan.calico has sent. */
    @SuppressWarnings("unchecked")
    public static long txPackets(String ns) {
        Map<String, Object> link = parse(Cmd.run("ip", "-n", ns, "-j", "-s", "link", "show", "vxlan.calico")).get(0);
        Map<String, Object> stats = (Map<String, Object>) link.get("stats64");
        return ((Number) ((Map<String, Object>) stats.get("tx")).get("packets")).longValue();
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
