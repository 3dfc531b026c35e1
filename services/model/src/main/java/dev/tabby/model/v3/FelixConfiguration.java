package dev.tabby.model.v3;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/*
 * Per-node ("node.<nodename>") or cluster-wide ("default") dataplane settings for Felix, as in Calico v3.18
 * (libcalico-go lib/apis/v3/felixconfig.go and lib/validator/v3/validator.go of that release).
 *
 * Every field is optional: null means "not set here", and Felix then falls back to its own default (or to a
 * less specific FelixConfiguration). validated() never fills those defaults in. Calico writes these fields with
 * omitempty, so an empty string is treated like an unset one: it is not checked, and validated() turns it into
 * null. An empty list is different: Calico's lists are pointers to slices, so "failsafeInboundHostPorts: []" (no
 * failsafe ports at all) is kept and written out, unlike an unset list (Felix's default ports).
 *
 * Fields deliberately left out: none of the v3.18 FelixConfigurationSpec. Fields that appeared in later releases
 * (dataplaneWatchdogTimeout, featureGates, bpfMapSize*, bpfPSNATPorts, vxlanMTUV6, routeTableRanges,
 * wireguardHostEncryptionEnabled, floatingIPs, healthTimeoutOverrides, logDebugFilenameRegex, ...) are not part
 * of v3.18 and are rejected as unknown fields by the codec, as calicoctl v3.18 rejects them.
 *
 * iptablesBackend allows Legacy and NFT only, the two values the v3.18 validator accepts ("Auto" came later). The
 * failsafe protocol must be upper case (TCP, UDP, SCTP), although the reference page lists "tcp, udp, sctp": the
 * validator compares exactly.
 *
 * Where the v3.18 validator has no rule but Felix refuses the value when it parses its configuration (and then
 * ignores it or exits), the check below follows Felix, so that a value Felix cannot use is caught on write:
 * chainInsertMode and routeSource (case-insensitive as Felix reads them, normalised to Calico's spelling),
 * maxIpsetSize and iptablesMarkMask (non-zero), the listening ports, MTUs, vxlanVNI (24 bits),
 * deviceRouteProtocol (8 bits), natPortRange and kubeNodePortRanges (numbers only, no named ports) and the
 * failsafe "net" (a CIDR). Regular expressions are checked with Java's dialect, which accepts what Go's RE2 does
 * for the interface patterns Calico documents.
 */

/** Felix's dataplane settings: the cluster-wide {@code default} or one node's {@code node.<nodename>}. */
public record FelixConfiguration(ObjectMeta metadata, Spec spec) implements Resource {

    public static final List<String> LOG_LEVELS = List.of("Debug", "Info", "Warning", "Error", "Fatal");
    public static final List<String> BPF_LOG_LEVELS = List.of("Debug", "Info", "Off");
    public static final List<String> BPF_SERVICE_MODES = List.of("Tunnel", "DSR");
    public static final List<String> IPTABLES_BACKENDS = List.of("Legacy", "NFT");
    public static final List<String> CHAIN_INSERT_MODES = List.of("Insert", "Append");
    public static final List<String> DROP_ACCEPT_RETURN = List.of("Drop", "Accept", "Return");
    public static final List<String> ACCEPT_RETURN = List.of("Accept", "Return");
    public static final List<String> ROUTE_SOURCES = List.of("WorkloadIPs", "CalicoIPAM");
    public static final List<String> AWS_SRC_DST_CHECKS = List.of("DoNothing", "Enable", "Disable");
    public static final List<String> SERVICE_LOOP_PREVENTIONS = List.of("Drop", "Reject", "Disabled");
    public static final List<String> FAILSAFE_PROTOCOLS = List.of("TCP", "UDP", "SCTP");

    /** Route table indices Felix may use: the kernel reserves 0 and 253..255, Calico keeps 251 and 252 free. */
    public static final int ROUTE_TABLE_MIN = 1;
    public static final int ROUTE_TABLE_MAX = 250;

    /** At most 7 node port ranges: iptables' multiport match takes 15 ports and a range costs two. */
    public static final int MAX_NODE_PORT_RANGES = 7;

    private static final long UINT32_MAX = 4294967295L;
    private static final Pattern INTERFACE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,15}");
    private static final Pattern IFACE_FILTER = Pattern.compile("[a-zA-Z0-9:._+-]{1,15}");
    private static final Pattern PROMETHEUS_HOST = Pattern.compile("[a-zA-Z0-9:._+-]{1,64}");
    private static final Pattern KEY_VALUE = Pattern.compile("\\w+=");
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** The OpenStack region becomes part of a namespace name, "openstack-region-" + region, at most 63 long. */
    private static final int MAX_REGION_LENGTH = 63 - "openstack-region-".length();

    /** The settings; each component is named exactly as Calico's JSON field. */
    public record Spec(
            Boolean useInternalDataplaneDriver,
            String dataplaneDriver,

            Boolean ipv6Support,

            String routeRefreshInterval,
            String interfaceRefreshInterval,
            String iptablesRefreshInterval,
            String iptablesPostWriteCheckInterval,
            String iptablesLockFilePath,
            String iptablesLockTimeout,
            String iptablesLockProbeInterval,
            String featureDetectOverride,
            String ipsetsRefreshInterval,
            Integer maxIpsetSize,
            String iptablesBackend,

            String xdpRefreshInterval,

            String netlinkTimeout,

            String metadataAddr,
            Integer metadataPort,

            String openstackRegion,

            String interfacePrefix,
            String interfaceExclude,

            String chainInsertMode,
            String defaultEndpointToHostAction,
            String iptablesFilterAllowAction,
            String iptablesMangleAllowAction,
            String logPrefix,

            String logFilePath,

            String logSeverityFile,
            String logSeverityScreen,
            String logSeveritySys,

            Boolean ipipEnabled,
            Integer ipipMTU,

            Boolean vxlanEnabled,
            Integer vxlanMTU,
            Integer vxlanPort,
            Integer vxlanVNI,

            Boolean allowVXLANPacketsFromWorkloads,
            Boolean allowIPIPPacketsFromWorkloads,

            String reportingInterval,
            String reportingTTL,

            Boolean endpointReportingEnabled,
            String endpointReportingDelay,

            Long iptablesMarkMask,

            Boolean disableConntrackInvalidCheck,

            Boolean healthEnabled,
            String healthHost,
            Integer healthPort,

            Boolean prometheusMetricsEnabled,
            String prometheusMetricsHost,
            Integer prometheusMetricsPort,
            Boolean prometheusGoMetricsEnabled,
            Boolean prometheusProcessMetricsEnabled,

            @JsonInclude(JsonInclude.Include.NON_NULL) List<ProtoPort> failsafeInboundHostPorts,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ProtoPort> failsafeOutboundHostPorts,

            @JsonInclude(JsonInclude.Include.NON_NULL) List<Port> kubeNodePortRanges,

            String policySyncPathPrefix,

            Boolean usageReportingEnabled,
            String usageReportingInitialDelay,
            String usageReportingInterval,

            Port natPortRange,

            String natOutgoingAddress,

            String deviceRouteSourceAddress,

            Integer deviceRouteProtocol,
            Boolean removeExternalRoutes,

            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> externalNodesList,

            String debugMemoryProfilePath,
            Boolean debugDisableLogDropping,
            String debugSimulateCalcGraphHangAfter,
            String debugSimulateDataplaneHangAfter,

            String iptablesNATOutgoingInterfaceFilter,

            Boolean sidecarAccelerationEnabled,

            Boolean xdpEnabled,

            Boolean genericXDPEnabled,

            Boolean bpfEnabled,
            Boolean bpfDisableUnprivileged,
            String bpfLogLevel,
            String bpfDataIfacePattern,
            Boolean bpfConnectTimeLoadBalancingEnabled,
            String bpfExternalServiceMode,
            Boolean bpfKubeProxyIptablesCleanupEnabled,
            String bpfKubeProxyMinSyncPeriod,
            Boolean bpfKubeProxyEndpointSlicesEnabled,

            String routeSource,

            RouteTableRange routeTableRange,

            Boolean wireguardEnabled,
            Integer wireguardListeningPort,
            Integer wireguardRoutingRulePriority,
            String wireguardInterfaceName,
            Integer wireguardMTU,

            String awsSrcDstCheck,

            String serviceLoopPrevention,

            String mtuIfacePattern) {

        /** A spec that sets nothing: every setting falls back to Felix's default. */
        public static Spec empty() {
            return new Spec(
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null,
                    null, null);
        }
    }

    /**
     * A failsafe port: traffic on it to or from host endpoints is always allowed, whatever the policy says.
     *
     * @param protocol TCP, UDP or SCTP (upper case, as Calico's validator insists)
     * @param port     0..65535
     * @param net      optional CIDR the traffic must come from (inbound) or go to (outbound)
     */
    public record ProtoPort(String protocol, Integer port, String net) {
    }

    /** The indices of the Linux routing tables Felix may claim, both ends included, within 1..250. */
    public record RouteTableRange(Integer min, Integer max) {
    }

    @Override
    public FelixConfiguration withMetadata(ObjectMeta m) {
        return new FelixConfiguration(m, spec);
    }

    @Override
    public FelixConfiguration validated(Problems p) {
        if (spec == null) {
            return new FelixConfiguration(metadata, Spec.empty());
        }
        Spec s = spec;

        duration(p, "routeRefreshInterval", s.routeRefreshInterval);
        duration(p, "interfaceRefreshInterval", s.interfaceRefreshInterval);
        duration(p, "iptablesRefreshInterval", s.iptablesRefreshInterval);
        duration(p, "iptablesPostWriteCheckInterval", s.iptablesPostWriteCheckInterval);
        duration(p, "iptablesLockTimeout", s.iptablesLockTimeout);
        duration(p, "iptablesLockProbeInterval", s.iptablesLockProbeInterval);
        keyValueList(p.at("featureDetectOverride"), s.featureDetectOverride);
        duration(p, "ipsetsRefreshInterval", s.ipsetsRefreshInterval);
        Check.range(p.at("maxIpsetSize"), s.maxIpsetSize, 1, Integer.MAX_VALUE);
        oneOf(p, "iptablesBackend", s.iptablesBackend, IPTABLES_BACKENDS);
        duration(p, "xdpRefreshInterval", s.xdpRefreshInterval);
        duration(p, "netlinkTimeout", s.netlinkTimeout);
        Check.range(p.at("metadataPort"), s.metadataPort, 1, 65535);
        openstackRegion(p.at("openstackRegion"), s.openstackRegion);

        String chainInsertMode = oneOfIgnoringCase(p.at("chainInsertMode"), s.chainInsertMode, CHAIN_INSERT_MODES);
        oneOf(p, "defaultEndpointToHostAction", s.defaultEndpointToHostAction, DROP_ACCEPT_RETURN);
        oneOf(p, "iptablesFilterAllowAction", s.iptablesFilterAllowAction, ACCEPT_RETURN);
        oneOf(p, "iptablesMangleAllowAction", s.iptablesMangleAllowAction, ACCEPT_RETURN);
        oneOf(p, "logSeverityFile", s.logSeverityFile, LOG_LEVELS);
        oneOf(p, "logSeverityScreen", s.logSeverityScreen, LOG_LEVELS);
        oneOf(p, "logSeveritySys", s.logSeveritySys, LOG_LEVELS);

        Check.range(p.at("ipipMTU"), s.ipipMTU, 0, 65535);
        Check.range(p.at("vxlanMTU"), s.vxlanMTU, 0, 65535);
        Check.range(p.at("vxlanPort"), s.vxlanPort, 0, 65535);
        Check.range(p.at("vxlanVNI"), s.vxlanVNI, 0, 16777215);

        duration(p, "reportingInterval", s.reportingInterval);
        duration(p, "reportingTTL", s.reportingTTL);
        duration(p, "endpointReportingDelay", s.endpointReportingDelay);
        markMask(p.at("iptablesMarkMask"), s.iptablesMarkMask);

        Check.range(p.at("healthPort"), s.healthPort, 1, 65535);
        matches(p.at("prometheusMetricsHost"), s.prometheusMetricsHost, PROMETHEUS_HOST,
                "is not a valid host; allowed: an IP address or host name of 1..64 letters, digits, ':', '.', '_', '+', '-'");
        Check.range(p.at("prometheusMetricsPort"), s.prometheusMetricsPort, 1, 65535);

        List<ProtoPort> inbound = protoPorts(p.at("failsafeInboundHostPorts"), s.failsafeInboundHostPorts);
        List<ProtoPort> outbound = protoPorts(p.at("failsafeOutboundHostPorts"), s.failsafeOutboundHostPorts);
        nodePortRanges(p.at("kubeNodePortRanges"), s.kubeNodePortRanges);

        duration(p, "usageReportingInitialDelay", s.usageReportingInitialDelay);
        duration(p, "usageReportingInterval", s.usageReportingInterval);
        if (s.natPortRange != null && s.natPortRange.isNamed()) {
            p.at("natPortRange").error("\"" + s.natPortRange.name()
                    + "\" is a named port; allowed: a port or a range \"min:max\" within 1..65535");
        }
        String natOutgoingAddress = ipv4(p.at("natOutgoingAddress"), s.natOutgoingAddress);
        String deviceRouteSourceAddress = ipv4(p.at("deviceRouteSourceAddress"), s.deviceRouteSourceAddress);
        Check.range(p.at("deviceRouteProtocol"), s.deviceRouteProtocol, 0, 255);
        List<String> externalNodes = externalNodes(p.at("externalNodesList"), s.externalNodesList);

        duration(p, "debugSimulateCalcGraphHangAfter", s.debugSimulateCalcGraphHangAfter);
        duration(p, "debugSimulateDataplaneHangAfter", s.debugSimulateDataplaneHangAfter);
        matches(p.at("iptablesNATOutgoingInterfaceFilter"), s.iptablesNATOutgoingInterfaceFilter, IFACE_FILTER,
                "is not a valid interface filter; allowed: 1..15 letters, digits, ':', '.', '_', '-' and '+' as a wildcard,"
                        + " e.g. eth+");

        oneOf(p, "bpfLogLevel", s.bpfLogLevel, BPF_LOG_LEVELS);
        regexp(p.at("bpfDataIfacePattern"), s.bpfDataIfacePattern);
        oneOf(p, "bpfExternalServiceMode", s.bpfExternalServiceMode, BPF_SERVICE_MODES);
        duration(p, "bpfKubeProxyMinSyncPeriod", s.bpfKubeProxyMinSyncPeriod);

        String routeSource = oneOfIgnoringCase(p.at("routeSource"), s.routeSource, ROUTE_SOURCES);
        routeTableRange(p.at("routeTableRange"), s.routeTableRange);

        Check.range(p.at("wireguardListeningPort"), s.wireguardListeningPort, 1, 65535);
        Check.range(p.at("wireguardRoutingRulePriority"), s.wireguardRoutingRulePriority, 1, 32765);
        if (!"*".equals(s.wireguardInterfaceName)) {
            matches(p.at("wireguardInterfaceName"), s.wireguardInterfaceName, INTERFACE_NAME,
                    "is not a valid interface name; allowed: 1..15 letters, digits, '_', '.' and '-'");
        }
        Check.range(p.at("wireguardMTU"), s.wireguardMTU, 0, 65535);

        oneOf(p, "awsSrcDstCheck", s.awsSrcDstCheck, AWS_SRC_DST_CHECKS);
        oneOf(p, "serviceLoopPrevention", s.serviceLoopPrevention, SERVICE_LOOP_PREVENTIONS);
        regexp(p.at("mtuIfacePattern"), s.mtuIfacePattern);

        Spec normalised = new Spec(
                s.useInternalDataplaneDriver,
                unsetIfEmpty(s.dataplaneDriver),
                s.ipv6Support,
                unsetIfEmpty(s.routeRefreshInterval),
                unsetIfEmpty(s.interfaceRefreshInterval),
                unsetIfEmpty(s.iptablesRefreshInterval),
                unsetIfEmpty(s.iptablesPostWriteCheckInterval),
                unsetIfEmpty(s.iptablesLockFilePath),
                unsetIfEmpty(s.iptablesLockTimeout),
                unsetIfEmpty(s.iptablesLockProbeInterval),
                unsetIfEmpty(s.featureDetectOverride),
                unsetIfEmpty(s.ipsetsRefreshInterval),
                s.maxIpsetSize,
                unsetIfEmpty(s.iptablesBackend),
                unsetIfEmpty(s.xdpRefreshInterval),
                unsetIfEmpty(s.netlinkTimeout),
                unsetIfEmpty(s.metadataAddr),
                s.metadataPort,
                unsetIfEmpty(s.openstackRegion),
                unsetIfEmpty(s.interfacePrefix),
                unsetIfEmpty(s.interfaceExclude),
                unsetIfEmpty(chainInsertMode),
                unsetIfEmpty(s.defaultEndpointToHostAction),
                unsetIfEmpty(s.iptablesFilterAllowAction),
                unsetIfEmpty(s.iptablesMangleAllowAction),
                unsetIfEmpty(s.logPrefix),
                unsetIfEmpty(s.logFilePath),
                unsetIfEmpty(s.logSeverityFile),
                unsetIfEmpty(s.logSeverityScreen),
                unsetIfEmpty(s.logSeveritySys),
                s.ipipEnabled,
                s.ipipMTU,
                s.vxlanEnabled,
                s.vxlanMTU,
                s.vxlanPort,
                s.vxlanVNI,
                s.allowVXLANPacketsFromWorkloads,
                s.allowIPIPPacketsFromWorkloads,
                unsetIfEmpty(s.reportingInterval),
                unsetIfEmpty(s.reportingTTL),
                s.endpointReportingEnabled,
                unsetIfEmpty(s.endpointReportingDelay),
                s.iptablesMarkMask,
                s.disableConntrackInvalidCheck,
                s.healthEnabled,
                unsetIfEmpty(s.healthHost),
                s.healthPort,
                s.prometheusMetricsEnabled,
                unsetIfEmpty(s.prometheusMetricsHost),
                s.prometheusMetricsPort,
                s.prometheusGoMetricsEnabled,
                s.prometheusProcessMetricsEnabled,
                inbound,
                outbound,
                s.kubeNodePortRanges == null ? null : List.copyOf(s.kubeNodePortRanges),
                unsetIfEmpty(s.policySyncPathPrefix),
                s.usageReportingEnabled,
                unsetIfEmpty(s.usageReportingInitialDelay),
                unsetIfEmpty(s.usageReportingInterval),
                s.natPortRange,
                unsetIfEmpty(natOutgoingAddress),
                unsetIfEmpty(deviceRouteSourceAddress),
                s.deviceRouteProtocol,
                s.removeExternalRoutes,
                externalNodes,
                unsetIfEmpty(s.debugMemoryProfilePath),
                s.debugDisableLogDropping,
                unsetIfEmpty(s.debugSimulateCalcGraphHangAfter),
                unsetIfEmpty(s.debugSimulateDataplaneHangAfter),
                unsetIfEmpty(s.iptablesNATOutgoingInterfaceFilter),
                s.sidecarAccelerationEnabled,
                s.xdpEnabled,
                s.genericXDPEnabled,
                s.bpfEnabled,
                s.bpfDisableUnprivileged,
                unsetIfEmpty(s.bpfLogLevel),
                unsetIfEmpty(s.bpfDataIfacePattern),
                s.bpfConnectTimeLoadBalancingEnabled,
                unsetIfEmpty(s.bpfExternalServiceMode),
                s.bpfKubeProxyIptablesCleanupEnabled,
                unsetIfEmpty(s.bpfKubeProxyMinSyncPeriod),
                s.bpfKubeProxyEndpointSlicesEnabled,
                unsetIfEmpty(routeSource),
                s.routeTableRange,
                s.wireguardEnabled,
                s.wireguardListeningPort,
                s.wireguardRoutingRulePriority,
                unsetIfEmpty(s.wireguardInterfaceName),
                s.wireguardMTU,
                unsetIfEmpty(s.awsSrcDstCheck),
                unsetIfEmpty(s.serviceLoopPrevention),
                unsetIfEmpty(s.mtuIfacePattern));
        return new FelixConfiguration(metadata, normalised);
    }

    // ---- field checks; an empty string is "not set" (Calico's omitempty) and is never checked ----

    private static boolean unset(String value) {
        return value == null || value.isEmpty();
    }

    /** "" and null mean the same to Calico (omitempty); keep one form so that round trips are stable. */
    private static String unsetIfEmpty(String value) {
        return unset(value) ? null : value;
    }

    private static void duration(Problems p, String field, String value) {
        if (!unset(value)) {
            Check.duration(p.at(field), value);
        }
    }

    private static void oneOf(Problems p, String field, String value, List<String> allowed) {
        if (!unset(value)) {
            Check.oneOf(p.at(field), value, allowed);
        }
    }

    /** Felix reads these without regard to case; keep Calico's spelling, saying so when it changes. */
    private static String oneOfIgnoringCase(Problems p, String value, List<String> allowed) {
        if (unset(value)) {
            return value;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                if (!a.equals(value)) {
                    p.warn("\"" + value + "\" normalised to " + a);
                }
                return a;
            }
        }
        Check.oneOf(p, value, allowed);
        return value;
    }

    private static void matches(Problems p, String value, Pattern pattern, String problem) {
        if (!unset(value) && !pattern.matcher(value).matches()) {
            p.error("\"" + value + "\" " + problem);
        }
    }

    private static void regexp(Problems p, String value) {
        if (unset(value)) {
            return;
        }
        try {
            Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            p.error("\"" + value + "\" is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }

    /** Comma-separated {@code key=value} items, e.g. {@code SNATFullyRandom=true,MASQFullyRandom=false}. */
    private static void keyValueList(Problems p, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        for (String item : value.split(",", -1)) {
            if (!item.isEmpty() && !KEY_VALUE.matcher(item).find()) {
                p.error("\"" + item + "\" is not a key=value item; allowed: a comma-separated list such as "
                        + "SNATFullyRandom=true,MASQFullyRandom=false");
            }
        }
    }

    private static void openstackRegion(Problems p, String value) {
        if (unset(value)) {
            return;
        }
        if (value.length() > MAX_REGION_LENGTH) {
            p.error("\"" + value + "\" is " + value.length() + " characters long; at most " + MAX_REGION_LENGTH
                    + " are allowed");
        } else if (!DNS1123_LABEL.matcher(value).matches()) {
            p.error("\"" + value + "\" is not a valid region; allowed: lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit");
        }
    }

    private static void markMask(Problems p, Long mask) {
        if (mask == null) {
            return;
        }
        if (mask < 1 || mask > UINT32_MAX) {
            p.error(mask + " is out of range; allowed: a non-zero 32-bit mask, 1..4294967295 (e.g. 0xffff0000)");
        } else if (Long.bitCount(mask) < 8) {
            p.warn("0x" + Long.toHexString(mask) + " sets only " + Long.bitCount(mask)
                    + " bits; Felix needs several mark bits, so give it at least 8");
        }
    }

    private static String ipv4(Problems p, String value) {
        if (unset(value)) {
            return value;
        }
        return Check.ipOfVersion(p, value, 4);
    }

    private static List<ProtoPort> protoPorts(Problems p, List<ProtoPort> ports) {
        if (ports == null) {
            return null;
        }
        List<ProtoPort> out = new ArrayList<>(ports.size());
        for (int i = 0; i < ports.size(); i++) {
            ProtoPort pp = ports.get(i);
            Problems at = p.at(i);
            if (pp == null) {
                at.error("is empty; expected protocol and port, e.g. {protocol: TCP, port: 22}");
                out.add(null);
                continue;
            }
            if (unset(pp.protocol)) {
                at.at("protocol").error("is required; allowed: " + String.join(", ", FAILSAFE_PROTOCOLS));
            } else {
                Check.oneOf(at.at("protocol"), pp.protocol, FAILSAFE_PROTOCOLS);
            }
            if (pp.port == null) {
                at.at("port").error("is required; allowed: 0..65535");
            } else {
                Check.range(at.at("port"), pp.port, 0, 65535);
            }
            String net = unset(pp.net) ? null : Check.cidrOrIp(at.at("net"), pp.net);
            out.add(new ProtoPort(pp.protocol, pp.port, net));
        }
        return out;
    }

    private static void nodePortRanges(Problems p, List<Port> ranges) {
        if (ranges == null) {
            return;
        }
        if (ranges.size() > MAX_NODE_PORT_RANGES) {
            p.error(ranges.size() + " ranges given; at most " + MAX_NODE_PORT_RANGES
                    + " are allowed (iptables' multiport match takes 15 ports, a range counts as two)");
        }
        for (int i = 0; i < ranges.size(); i++) {
            Port port = ranges.get(i);
            if (port == null) {
                p.at(i).error("is empty; expected a port or a range \"min:max\", e.g. \"30000:32767\"");
            } else if (port.isNamed()) {
                p.at(i).error("\"" + port.name() + "\" is a named port; allowed: a port or a range \"min:max\","
                        + " e.g. \"30000:32767\"");
            }
        }
    }

    private static List<String> externalNodes(Problems p, List<String> cidrs) {
        if (cidrs == null) {
            return null;
        }
        List<String> out = new ArrayList<>(cidrs.size());
        for (int i = 0; i < cidrs.size(); i++) {
            String c = cidrs.get(i);
            if (unset(c)) {
                p.at(i).error("is empty; expected an IPv4 CIDR or address");
                out.add(c);
                continue;
            }
            String n = Check.cidrOrIp(p.at(i), c);
            if (Check.versionOf(n) == 6) {
                p.at(i).error("\"" + c + "\" is an IPv6 CIDR; external nodes must be IPv4");
            }
            out.add(n);
        }
        return out;
    }

    private static void routeTableRange(Problems p, RouteTableRange r) {
        if (r == null) {
            return;
        }
        if (r.min == null) {
            p.at("min").error("is required; allowed: " + ROUTE_TABLE_MIN + ".." + ROUTE_TABLE_MAX);
        }
        if (r.max == null) {
            p.at("max").error("is required; allowed: " + ROUTE_TABLE_MIN + ".." + ROUTE_TABLE_MAX);
        }
        if (r.min == null || r.max == null) {
            return;
        }
        if (r.min < ROUTE_TABLE_MIN || r.max > ROUTE_TABLE_MAX || r.min > r.max) {
            p.error("min " + r.min + ", max " + r.max + " is not allowed; must be a range of route table indices within "
                    + ROUTE_TABLE_MIN + ".." + ROUTE_TABLE_MAX + " with min <= max");
        }
    }
}
