package dev.tabby.renderer.state;

import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.renderer.flows.FlowLogSettings;
import dev.tabby.policy.render.EndpointChains;
import dev.tabby.policy.render.FlowLogRules;
import dev.tabby.policy.render.Marks;
import dev.tabby.policy.render.RuleRenderer;
import dev.tabby.policy.render.StaticConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The FelixConfiguration the policy renderer works with, merged as Felix merges it (a field on {@code node.<name>}
 * wins over {@code default}, which wins over Felix's built-in default, felix config/config_params.go): the static
 * chains' {@link StaticConfig} plus what only the service reads.
 *
 * @param statics  the settings of the static and endpoint chains
 * @param reportingInterval how often the node's liveness report is written (Felix {@code reportingInterval}, 30 s;
 *                 0 writes none)
 * @param reportingTtl the liveness report's lease (Felix {@code reportingTTL}, 90 s)
 * @param endpointReporting whether endpoint statuses are written (Felix {@code endpointReportingEnabled}); Tabby's
 *                 default is true where Felix's is false, because the CNI ADD waits for the status
 * @param problems one line per setting that was refused; a refused FelixConfiguration leaves the last good settings
 *                 in force (Felix would not start with it), so a typo never takes the node's policy down
 * @param flowLogs Tabby's flow logs, from annotations on FelixConfiguration {@code default} ({@link FlowLogSettings})
 */
public record RendererSettings(
        StaticConfig statics,
        String logPrefix,
        boolean ipv6Support,
        String iptablesBackend,
        Duration iptablesRefreshInterval,
        Duration reportingInterval,
        Duration reportingTtl,
        boolean endpointReporting,
        List<String> problems,
        FlowLogSettings flowLogs) {

    /** Felix v3.18's iptablesRefreshInterval default. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(90);

    /** Felix v3.18's reportingInterval and reportingTTL defaults. */
    public static final Duration DEFAULT_REPORTING_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REPORTING_TTL = Duration.ofSeconds(90);

    public static final RendererSettings DEFAULTS = new RendererSettings(StaticConfig.builder().build(),
            RuleRenderer.DEFAULT_LOG_PREFIX, true, "auto", DEFAULT_REFRESH, DEFAULT_REPORTING_INTERVAL,
            DEFAULT_REPORTING_TTL, true, List.of(), FlowLogSettings.DEFAULTS);

    public Marks marks() {
        return statics.marks();
    }

    public RuleRenderer ruleRenderer() {
        return new RuleRenderer(marks(), logPrefix, flowLogRules());
    }

    /** The NFLOG rules' settings while flow logs are on; null while off (no NFLOG rule anywhere). */
    public FlowLogRules flowLogRules() {
        return flowLogs.on() ? FlowLogRules.DEFAULT : null;
    }

    /** The endpoint chains' settings. */
    public EndpointChains.Config endpointChains() {
        return statics.endpointChainsConfig().withFlowLogs(flowLogRules());
    }

    /**
     * @param clusterDefault FelixConfiguration {@code default}, or null
     * @param thisNode       FelixConfiguration {@code node.<name>}, or null
     * @param node           this node's Node (its tunnel addresses), or null
     * @param pools          every IP pool: an unset ipipEnabled / vxlanEnabled follows whether a pool uses that
     *                       encapsulation, as Tabby's tunnel managers read it
     * @param randomFully    iptables and the kernel support {@code --random-fully}
     * @param previous       the settings in force, kept when the new FelixConfiguration is refused
     */
    public static RendererSettings merge(FelixConfiguration clusterDefault, FelixConfiguration thisNode, Node node,
                                         Collection<IPPool> pools, boolean randomFully, RendererSettings previous) {
        FelixConfiguration.Spec g = clusterDefault == null ? null : clusterDefault.spec();
        FelixConfiguration.Spec n = thisNode == null ? null : thisNode.spec();
        List<String> problems = new ArrayList<>();
        StaticConfig statics;
        try {
            StaticConfig.Builder b = StaticConfig.builder();
            if (g != null) {
                b.apply(g);
            }
            if (n != null) {
                b.apply(n);
            }
            Boolean ipip = pick(n, g, FelixConfiguration.Spec::ipipEnabled);
            Boolean vxlan = pick(n, g, FelixConfiguration.Spec::vxlanEnabled);
            b.ipipEnabled(ipip != null ? ipip : pools.stream().anyMatch(p -> uses(p.spec() == null ? null : p.spec().ipipMode())));
            b.vxlanEnabled(vxlan != null ? vxlan : pools.stream().anyMatch(p -> uses(p.spec() == null ? null : p.spec().vxlanMode())));
            if (node != null && node.spec() != null) {
                if (node.spec().bgp() != null && node.spec().bgp().ipv4IPIPTunnelAddr() != null) {
                    b.ipipTunnelAddress(node.spec().bgp().ipv4IPIPTunnelAddr());
                }
                if (node.spec().ipv4VXLANTunnelAddr() != null) {
                    b.vxlanTunnelAddress(node.spec().ipv4VXLANTunnelAddr());
                }
            }
            b.masqFullyRandom(randomFully).snatFullyRandom(randomFully);
            statics = b.build();
        } catch (IllegalArgumentException e) {
            problems.add("FelixConfiguration refused, the last good settings stay in force: " + e.getMessage());
            statics = previous.statics();
        }
        String logPrefix = orDefault(pick(n, g, FelixConfiguration.Spec::logPrefix), RuleRenderer.DEFAULT_LOG_PREFIX);
        Boolean v6 = pick(n, g, FelixConfiguration.Spec::ipv6Support);
        String backend = orDefault(pick(n, g, FelixConfiguration.Spec::iptablesBackend), "auto").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "legacy", "nft").contains(backend)) {
            problems.add("iptablesBackend: " + backend + " is not Legacy, NFT or Auto; using Auto");
            backend = "auto";
        }
        Duration refresh = duration(pick(n, g, FelixConfiguration.Spec::iptablesRefreshInterval), DEFAULT_REFRESH,
                "iptablesRefreshInterval", problems);
        Duration interval = duration(pick(n, g, FelixConfiguration.Spec::reportingInterval), DEFAULT_REPORTING_INTERVAL,
                "reportingInterval", problems);
        Duration ttl = duration(pick(n, g, FelixConfiguration.Spec::reportingTTL), DEFAULT_REPORTING_TTL, "reportingTTL",
                problems);
        if (ttl.isZero()) {
            problems.add("reportingTTL: 0s would expire the report as it is written; using "
                    + DEFAULT_REPORTING_TTL.toSeconds() + "s");
            ttl = DEFAULT_REPORTING_TTL;
        }
        Boolean endpoints = pick(n, g, FelixConfiguration.Spec::endpointReportingEnabled);
        // Cluster-wide only: the annotations of FelixConfiguration default.
        FlowLogSettings flowLogs = FlowLogSettings.of(clusterDefault == null || clusterDefault.metadata() == null ? null
                : clusterDefault.metadata().annotations(), previous.flowLogs(), RendererSettings::duration, problems);
        return new RendererSettings(statics, logPrefix, v6 == null || v6, backend, refresh, interval, ttl,
                endpoints == null || endpoints, List.copyOf(problems), flowLogs);
    }

    /** A pool mode that asks for the encapsulation: Always or CrossSubnet (any case). */
    private static boolean uses(String mode) {
        return mode != null && (mode.equalsIgnoreCase("Always") || mode.equalsIgnoreCase("CrossSubnet"));
    }

    private static <T> T pick(FelixConfiguration.Spec node, FelixConfiguration.Spec global,
                              Function<FelixConfiguration.Spec, T> field) {
        T v = node == null ? null : field.apply(node);
        return v == null && global != null ? field.apply(global) : v;
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v;
    }

    /** Go durations as FelixConfiguration writes them: "90s", "1m30s", "500ms"; "0" turns the refresh off. */
    static Duration duration(String v, Duration d, String field, List<String> problems) {
        if (v == null || v.isBlank()) {
            return d;
        }
        String s = v.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)").matcher(s);
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
        if (end != s.length() || end == 0) {
            problems.add(field + ": " + v + " is not a duration like 90s or 1m30s; using " + d.toSeconds() + "s");
            return d;
        }
        return Duration.ofNanos(nanos);
    }
}
