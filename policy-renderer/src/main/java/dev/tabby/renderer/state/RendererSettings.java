package dev.tabby.renderer.state;

import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.policy.render.Actions;
import dev.tabby.policy.render.FailsafePort;
import dev.tabby.policy.render.Marks;
import dev.tabby.policy.render.RuleRenderer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The FelixConfiguration fields the policy renderer reads, merged as Felix merges them (a field on
 * {@code node.<nodename>} wins over {@code default}, which wins over Felix's built-in default, felix
 * config/config_params.go). A value Felix would refuse falls back to the default with a problem listed, so a typo in
 * one field never takes the node's policy down.
 *
 * @param problems one line per field that was refused, for the status page and the log
 */
public record RendererSettings(
        int markMask,
        String logPrefix,
        boolean ipv6Support,
        String iptablesBackend,
        Duration iptablesRefreshInterval,
        String defaultEndpointToHostAction,
        String filterAllowAction,
        String mangleAllowAction,
        boolean disableConntrackInvalid,
        List<FailsafePort> failsafeInbound,
        List<FailsafePort> failsafeOutbound,
        Boolean ipipEnabled,
        Boolean vxlanEnabled,
        int vxlanPort,
        boolean allowVxlanFromWorkloads,
        boolean allowIpipFromWorkloads,
        String natOutgoingAddress,
        String natOutgoingInterfaceFilter,
        List<String> problems) {

    /** Felix v3.18's iptablesRefreshInterval default. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(90);

    public static final RendererSettings DEFAULTS = merge(null, null);

    public Marks marks() {
        return Marks.fromMask(markMask);
    }

    public RuleRenderer ruleRenderer() {
        return new RuleRenderer(marks(), logPrefix);
    }

    public List<Integer> ipVersions() {
        return ipv6Support ? List.of(4, 6) : List.of(4);
    }

    /** Either argument may be null (not in the datastore). */
    public static RendererSettings merge(FelixConfiguration clusterDefault, FelixConfiguration thisNode) {
        FelixConfiguration.Spec g = clusterDefault == null ? null : clusterDefault.spec();
        FelixConfiguration.Spec n = thisNode == null ? null : thisNode.spec();
        Picker p = new Picker(g, n);
        List<String> problems = new ArrayList<>();
        Long mask = p.get(FelixConfiguration.Spec::iptablesMarkMask);
        int markMask = Marks.DEFAULT_MASK;
        if (mask != null) {
            try {
                Marks.fromMask(mask.intValue());
                markMask = mask.intValue();
            } catch (IllegalArgumentException e) {
                problems.add("iptablesMarkMask: " + e.getMessage() + "; using 0xffff0000");
            }
        }
        String logPrefix = orDefault(p.get(FelixConfiguration.Spec::logPrefix), RuleRenderer.DEFAULT_LOG_PREFIX);
        Boolean v6 = p.get(FelixConfiguration.Spec::ipv6Support);
        String backend = orDefault(p.get(FelixConfiguration.Spec::iptablesBackend), "auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "legacy", "nft").contains(backend)) {
            problems.add("iptablesBackend: " + backend + " is not Legacy, NFT or Auto; using Auto");
            backend = "auto";
        }
        Duration refresh = duration(p.get(FelixConfiguration.Spec::iptablesRefreshInterval), DEFAULT_REFRESH,
                "iptablesRefreshInterval", problems);
        String toHost = action(p.get(FelixConfiguration.Spec::defaultEndpointToHostAction), "DROP",
                List.of("DROP", "RETURN", "ACCEPT"), "defaultEndpointToHostAction", problems);
        String filterAllow = action(p.get(FelixConfiguration.Spec::iptablesFilterAllowAction), "ACCEPT",
                List.of("ACCEPT", "RETURN"), "iptablesFilterAllowAction", problems);
        String mangleAllow = action(p.get(FelixConfiguration.Spec::iptablesMangleAllowAction), "ACCEPT",
                List.of("ACCEPT", "RETURN"), "iptablesMangleAllowAction", problems);
        List<FailsafePort> in = failsafe(p.get(FelixConfiguration.Spec::failsafeInboundHostPorts),
                FailsafePort.DEFAULT_INBOUND, "failsafeInboundHostPorts", problems);
        List<FailsafePort> out = failsafe(p.get(FelixConfiguration.Spec::failsafeOutboundHostPorts),
                FailsafePort.DEFAULT_OUTBOUND, "failsafeOutboundHostPorts", problems);
        Integer vxlanPort = p.get(FelixConfiguration.Spec::vxlanPort);
        return new RendererSettings(markMask, logPrefix, v6 == null || v6, backend, refresh, toHost, filterAllow,
                mangleAllow, Boolean.TRUE.equals(p.get(FelixConfiguration.Spec::disableConntrackInvalidCheck)), in, out,
                p.get(FelixConfiguration.Spec::ipipEnabled), p.get(FelixConfiguration.Spec::vxlanEnabled),
                vxlanPort == null || vxlanPort == 0 ? 4789 : vxlanPort,
                Boolean.TRUE.equals(p.get(FelixConfiguration.Spec::allowVXLANPacketsFromWorkloads)),
                Boolean.TRUE.equals(p.get(FelixConfiguration.Spec::allowIPIPPacketsFromWorkloads)),
                orDefault(p.get(FelixConfiguration.Spec::natOutgoingAddress), ""),
                orDefault(p.get(FelixConfiguration.Spec::iptablesNATOutgoingInterfaceFilter), ""),
                List.copyOf(problems));
    }

    /** The iptables action fragment for an action name ("ACCEPT" becomes {@code --jump ACCEPT}). */
    public static String fragment(String action) {
        return switch (action) {
            case "ACCEPT" -> Actions.ACCEPT;
            case "RETURN" -> Actions.RETURN;
            default -> Actions.DROP;
        };
    }

    private record Picker(FelixConfiguration.Spec global, FelixConfiguration.Spec node) {
        <T> T get(Function<FelixConfiguration.Spec, T> field) {
            T v = node == null ? null : field.apply(node);
            return v == null && global != null ? field.apply(global) : v;
        }
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v;
    }

    /** felix config OneofListParam: case-insensitive, stored upper case. */
    private static String action(String v, String d, List<String> allowed, String field, List<String> problems) {
        if (v == null || v.isBlank()) {
            return d;
        }
        String up = v.strip().toUpperCase(Locale.ROOT);
        if (!allowed.contains(up)) {
            problems.add(field + ": " + v + " is not one of " + allowed + "; using " + d);
            return d;
        }
        return up;
    }

    /** Go durations as FelixConfiguration writes them: "90s", "1m30s", "500ms". */
    static Duration duration(String v, Duration d, String field, List<String> problems) {
        if (v == null || v.isBlank()) {
            return d;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)").matcher(v.strip());
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 1_000_000L;
            };
            nanos += (long) (amount * unit);
            end = m.end();
        }
        if (end != v.strip().length() || end == 0) {
            problems.add(field + ": " + v + " is not a duration like 90s or 1m30s; using " + d.toSeconds() + "s");
            return d;
        }
        return Duration.ofNanos(nanos);
    }

    private static List<FailsafePort> failsafe(List<FelixConfiguration.ProtoPort> ports, List<FailsafePort> d,
                                               String field, List<String> problems) {
        if (ports == null) {
            return d;
        }
        List<FailsafePort> out = new ArrayList<>();
        for (FelixConfiguration.ProtoPort pp : ports) {
            try {
                String proto = pp.protocol() == null || pp.protocol().isBlank() ? "tcp" : pp.protocol().toLowerCase(Locale.ROOT);
                String net = pp.net() == null || pp.net().isBlank() ? "" : "[" + pp.net() + "]:";
                out.addAll(FailsafePort.parseList(proto + ":" + net + (pp.port() == null ? "" : pp.port())));
            } catch (IllegalArgumentException e) {
                problems.add(field + ": " + e.getMessage() + "; entry skipped");
            }
        }
        return List.copyOf(out);
    }
}
