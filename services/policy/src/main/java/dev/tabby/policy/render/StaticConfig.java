package dev.tabby.policy.render;

import dev.tabby.model.v3.FelixConfiguration;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings Felix v3.18's static chains depend on (felix rules/rule_defs.go Config, filled from
 * config/config_params.go), with Felix's defaults in {@link #builder()}. Choice values are kept in Felix's canonical
 * spelling (DROP, ACCEPT, RETURN; Drop, Reject, Disabled) and accepted in any case, as Felix's oneof parameters are.
 *
 * @param workloadInterfacePrefixes           FelixConfiguration interfacePrefix split at commas ("cali")
 * @param defaultEndpointToHostAction         DROP, RETURN or ACCEPT: what cali-wl-to-host does after egress policy
 * @param iptablesFilterAllowAction           ACCEPT or RETURN: the filter table's verdict for allowed packets
 * @param iptablesMangleAllowAction           ACCEPT or RETURN: the mangle table's verdict for allowed packets
 * @param ipipTunnelAddress                   this node's IP-in-IP tunnel address ("" when it has none)
 * @param vxlanTunnelAddress                  this node's VXLAN tunnel address ("" when it has none)
 * @param natOutgoingAddress                  SNAT source for natOutgoing instead of MASQUERADE ("" for none)
 * @param natPortRangeMin                     FelixConfiguration natPortRange; both 0 when unset
 * @param iptablesNatOutgoingInterfaceFilter  natOutgoing only out of this interface ("" for any)
 * @param serviceLoopPrevention               Drop, Reject or Disabled: what cali-cidr-block does
 * @param masqFullyRandom                     iptables and kernel support {@code MASQUERADE --random-fully}
 *                                            (felix iptables/feature_detect.go: iptables 1.6.2, kernel 3.14)
 * @param snatFullyRandom                     they support {@code SNAT --random-fully} (iptables 1.6.0, kernel 3.14)
 */
public record StaticConfig(
        Marks marks,
        List<String> workloadInterfacePrefixes,
        String defaultEndpointToHostAction,
        String iptablesFilterAllowAction,
        String iptablesMangleAllowAction,
        List<FailsafePort> failsafeInboundHostPorts,
        List<FailsafePort> failsafeOutboundHostPorts,
        boolean ipipEnabled,
        String ipipTunnelAddress,
        boolean vxlanEnabled,
        int vxlanPort,
        String vxlanTunnelAddress,
        boolean allowVxlanPacketsFromWorkloads,
        boolean allowIpipPacketsFromWorkloads,
        boolean disableConntrackInvalidCheck,
        String natOutgoingAddress,
        int natPortRangeMin,
        int natPortRangeMax,
        String iptablesNatOutgoingInterfaceFilter,
        String serviceLoopPrevention,
        boolean masqFullyRandom,
        boolean snatFullyRandom) {

    public static final List<String> ENDPOINT_TO_HOST_ACTIONS = List.of("DROP", "RETURN", "ACCEPT");
    public static final List<String> ALLOW_ACTIONS = List.of("ACCEPT", "RETURN");
    public static final List<String> SERVICE_LOOP_PREVENTIONS = List.of("Drop", "Reject", "Disabled");

    public StaticConfig {
        checkMarks(marks);
        workloadInterfacePrefixes = List.copyOf(workloadInterfacePrefixes);
        if (workloadInterfacePrefixes.isEmpty() || workloadInterfacePrefixes.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("interfacePrefix " + workloadInterfacePrefixes
                    + " has an empty prefix; give one or more comma-separated prefixes, e.g. cali");
        }
        defaultEndpointToHostAction = oneOf("defaultEndpointToHostAction", defaultEndpointToHostAction, ENDPOINT_TO_HOST_ACTIONS);
        iptablesFilterAllowAction = oneOf("iptablesFilterAllowAction", iptablesFilterAllowAction, ALLOW_ACTIONS);
        iptablesMangleAllowAction = oneOf("iptablesMangleAllowAction", iptablesMangleAllowAction, ALLOW_ACTIONS);
        serviceLoopPrevention = oneOf("serviceLoopPrevention", serviceLoopPrevention, SERVICE_LOOP_PREVENTIONS);
        failsafeInboundHostPorts = List.copyOf(failsafeInboundHostPorts);
        failsafeOutboundHostPorts = List.copyOf(failsafeOutboundHostPorts);
        if (vxlanPort < 1 || vxlanPort > 65535) {
            throw new IllegalArgumentException("vxlanPort " + vxlanPort + " is outside 1-65535; Felix's default is 4789");
        }
        if (natPortRangeMin < 0 || natPortRangeMax > 65535 || natPortRangeMin > natPortRangeMax) {
            throw new IllegalArgumentException("natPortRange " + natPortRangeMin + "-" + natPortRangeMax
                    + " is not a range within 0-65535 with min <= max");
        }
        ipipTunnelAddress = ipipTunnelAddress == null ? "" : ipipTunnelAddress;
        vxlanTunnelAddress = vxlanTunnelAddress == null ? "" : vxlanTunnelAddress;
        natOutgoingAddress = natOutgoingAddress == null ? "" : natOutgoingAddress;
        iptablesNatOutgoingInterfaceFilter =
                iptablesNatOutgoingInterfaceFilter == null ? "" : iptablesNatOutgoingInterfaceFilter;
    }

    /** felix rules/rule_defs.go validate(): every mark a distinct, non-zero single bit. */
    private static void checkMarks(Marks m) {
        int used = 0;
        int[] bits = {m.accept(), m.pass(), m.scratch0(), m.scratch1()};
        String[] names = {"accept", "pass", "scratch0", "scratch1"};
        for (int i = 0; i < bits.length; i++) {
            if (Integer.bitCount(bits[i]) != 1 || (used & bits[i]) != 0) {
                throw new IllegalArgumentException("iptables mark " + names[i] + " " + Marks.hex(bits[i])
                        + " is not a single bit distinct from the other marks; derive marks with Marks.fromMask");
            }
            used |= bits[i];
        }
    }

    private static String oneOf(String field, String value, List<String> allowed) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException(field + " \"" + value + "\" is not allowed; allowed: " + String.join(", ", allowed));
    }

    /** felix allCalicoMarkBits: the four policy mark bits together. */
    public int allMarkBits() {
        return marks.accept() | marks.pass() | marks.scratch0() | marks.scratch1();
    }

    /** iptablesFilterAllowAction as an action fragment. */
    String filterAllow() {
        return iptablesFilterAllowAction.equals("RETURN") ? Actions.RETURN : Actions.ACCEPT;
    }

    /** iptablesMangleAllowAction as an action fragment. */
    String mangleAllow() {
        return iptablesMangleAllowAction.equals("RETURN") ? Actions.RETURN : Actions.ACCEPT;
    }

    /** felix NewRenderer inputAcceptActions. */
    String endpointToHost() {
        return switch (defaultEndpointToHostAction) {
            case "DROP" -> Actions.DROP;
            case "ACCEPT" -> Actions.ACCEPT;
            default -> Actions.RETURN;
        };
    }

    /** The same settings as the workload and host endpoint chains take them. */
    public EndpointChains.Config endpointChainsConfig() {
        return new EndpointChains.Config(marks, filterAllow(), disableConntrackInvalidCheck,
                allowVxlanPacketsFromWorkloads, allowIpipPacketsFromWorkloads, vxlanPort, mangleAllow());
    }

    /** Felix v3.18's defaults (config/config_params.go); no tunnel addresses, no --random-fully. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Felix's defaults, changed one setting at a time; {@link #apply} layers a FelixConfiguration over them. */
    public static final class Builder {
        private Marks marks = Marks.fromMask(Marks.DEFAULT_MASK);
        private List<String> workloadInterfacePrefixes = List.of("cali");
        private String defaultEndpointToHostAction = "DROP";
        private String iptablesFilterAllowAction = "ACCEPT";
        private String iptablesMangleAllowAction = "ACCEPT";
        private List<FailsafePort> failsafeInboundHostPorts = FailsafePort.DEFAULT_INBOUND;
        private List<FailsafePort> failsafeOutboundHostPorts = FailsafePort.DEFAULT_OUTBOUND;
        private boolean ipipEnabled;
        private String ipipTunnelAddress = "";
        private boolean vxlanEnabled;
        private int vxlanPort = 4789;
        private String vxlanTunnelAddress = "";
        private boolean allowVxlanPacketsFromWorkloads;
        private boolean allowIpipPacketsFromWorkloads;
        private boolean disableConntrackInvalidCheck;
        private String natOutgoingAddress = "";
        private int natPortRangeMin;
        private int natPortRangeMax;
        private String iptablesNatOutgoingInterfaceFilter = "";
        private String serviceLoopPrevention = "Drop";
        private boolean masqFullyRandom;
        private boolean snatFullyRandom;

        private Builder() {
        }

        private Builder(StaticConfig c) {
            marks = c.marks;
            workloadInterfacePrefixes = c.workloadInterfacePrefixes;
            defaultEndpointToHostAction = c.defaultEndpointToHostAction;
            iptablesFilterAllowAction = c.iptablesFilterAllowAction;
            iptablesMangleAllowAction = c.iptablesMangleAllowAction;
            failsafeInboundHostPorts = c.failsafeInboundHostPorts;
            failsafeOutboundHostPorts = c.failsafeOutboundHostPorts;
            ipipEnabled = c.ipipEnabled;
            ipipTunnelAddress = c.ipipTunnelAddress;
            vxlanEnabled = c.vxlanEnabled;
            vxlanPort = c.vxlanPort;
            vxlanTunnelAddress = c.vxlanTunnelAddress;
            allowVxlanPacketsFromWorkloads = c.allowVxlanPacketsFromWorkloads;
            allowIpipPacketsFromWorkloads = c.allowIpipPacketsFromWorkloads;
            disableConntrackInvalidCheck = c.disableConntrackInvalidCheck;
            natOutgoingAddress = c.natOutgoingAddress;
            natPortRangeMin = c.natPortRangeMin;
            natPortRangeMax = c.natPortRangeMax;
            iptablesNatOutgoingInterfaceFilter = c.iptablesNatOutgoingInterfaceFilter;
            serviceLoopPrevention = c.serviceLoopPrevention;
            masqFullyRandom = c.masqFullyRandom;
            snatFullyRandom = c.snatFullyRandom;
        }

        /**
         * Takes every setting {@code spec} sets (non-null) and keeps the others; apply the cluster's {@code default}
         * FelixConfiguration first, then the node's {@code node.<name>}, as Felix ranks them.
         */
        public Builder apply(FelixConfiguration.Spec spec) {
            if (spec.interfacePrefix() != null) {
                workloadInterfacePrefixes = List.of(spec.interfacePrefix().split(",", -1));
            }
            if (spec.defaultEndpointToHostAction() != null) {
                defaultEndpointToHostAction = spec.defaultEndpointToHostAction();
            }
            if (spec.iptablesFilterAllowAction() != null) {
                iptablesFilterAllowAction = spec.iptablesFilterAllowAction();
            }
            if (spec.iptablesMangleAllowAction() != null) {
                iptablesMangleAllowAction = spec.iptablesMangleAllowAction();
            }
            if (spec.failsafeInboundHostPorts() != null) {
                failsafeInboundHostPorts = FailsafePort.fromApi("failsafeInboundHostPorts", spec.failsafeInboundHostPorts());
            }
            if (spec.failsafeOutboundHostPorts() != null) {
                failsafeOutboundHostPorts = FailsafePort.fromApi("failsafeOutboundHostPorts", spec.failsafeOutboundHostPorts());
            }
            if (spec.ipipEnabled() != null) {
                ipipEnabled = spec.ipipEnabled();
            }
            if (spec.vxlanEnabled() != null) {
                vxlanEnabled = spec.vxlanEnabled();
            }
            if (spec.vxlanPort() != null) {
                vxlanPort = spec.vxlanPort();
            }
            if (spec.allowVXLANPacketsFromWorkloads() != null) {
                allowVxlanPacketsFromWorkloads = spec.allowVXLANPacketsFromWorkloads();
            }
            if (spec.allowIPIPPacketsFromWorkloads() != null) {
                allowIpipPacketsFromWorkloads = spec.allowIPIPPacketsFromWorkloads();
            }
            if (spec.iptablesMarkMask() != null) {
                marks = Marks.fromMask((int) spec.iptablesMarkMask().longValue());
            }
            if (spec.disableConntrackInvalidCheck() != null) {
                disableConntrackInvalidCheck = spec.disableConntrackInvalidCheck();
            }
            if (spec.natOutgoingAddress() != null) {
                natOutgoingAddress = spec.natOutgoingAddress();
            }
            if (spec.natPortRange() != null) {
                if (spec.natPortRange().isNamed()) {
                    throw new IllegalArgumentException("natPortRange " + spec.natPortRange()
                            + " is a named port; give numbers, e.g. 32768:65535");
                }
                natPortRangeMin = spec.natPortRange().min();
                natPortRangeMax = spec.natPortRange().max();
            }
            if (spec.iptablesNATOutgoingInterfaceFilter() != null) {
                iptablesNatOutgoingInterfaceFilter = spec.iptablesNATOutgoingInterfaceFilter();
            }
            if (spec.serviceLoopPrevention() != null) {
                serviceLoopPrevention = spec.serviceLoopPrevention();
            }
            return this;
        }

        public Builder marks(Marks v) {
            marks = v;
            return this;
        }

        public Builder workloadInterfacePrefixes(List<String> v) {
            workloadInterfacePrefixes = new ArrayList<>(v);
            return this;
        }

        public Builder defaultEndpointToHostAction(String v) {
            defaultEndpointToHostAction = v;
            return this;
        }

        public Builder iptablesFilterAllowAction(String v) {
            iptablesFilterAllowAction = v;
            return this;
        }

        public Builder iptablesMangleAllowAction(String v) {
            iptablesMangleAllowAction = v;
            return this;
        }

        public Builder failsafeInboundHostPorts(List<FailsafePort> v) {
            failsafeInboundHostPorts = v;
            return this;
        }

        public Builder failsafeOutboundHostPorts(List<FailsafePort> v) {
            failsafeOutboundHostPorts = v;
            return this;
        }

        public Builder ipipEnabled(boolean v) {
            ipipEnabled = v;
            return this;
        }

        public Builder ipipTunnelAddress(String v) {
            ipipTunnelAddress = v;
            return this;
        }

        public Builder vxlanEnabled(boolean v) {
            vxlanEnabled = v;
            return this;
        }

        public Builder vxlanPort(int v) {
            vxlanPort = v;
            return this;
        }

        public Builder vxlanTunnelAddress(String v) {
            vxlanTunnelAddress = v;
            return this;
        }

        public Builder allowVxlanPacketsFromWorkloads(boolean v) {
            allowVxlanPacketsFromWorkloads = v;
            return this;
        }

        public Builder allowIpipPacketsFromWorkloads(boolean v) {
            allowIpipPacketsFromWorkloads = v;
            return this;
        }

        public Builder disableConntrackInvalidCheck(boolean v) {
            disableConntrackInvalidCheck = v;
            return this;
        }

        public Builder natOutgoingAddress(String v) {
            natOutgoingAddress = v;
            return this;
        }

        public Builder natPortRange(int min, int max) {
            natPortRangeMin = min;
            natPortRangeMax = max;
            return this;
        }

        public Builder iptablesNatOutgoingInterfaceFilter(String v) {
            iptablesNatOutgoingInterfaceFilter = v;
            return this;
        }

        public Builder serviceLoopPrevention(String v) {
            serviceLoopPrevention = v;
            return this;
        }

        public Builder masqFullyRandom(boolean v) {
            masqFullyRandom = v;
            return this;
        }

        public Builder snatFullyRandom(boolean v) {
            snatFullyRandom = v;
            return this;
        }

        public StaticConfig build() {
            return new StaticConfig(marks, workloadInterfacePrefixes, defaultEndpointToHostAction,
                    iptablesFilterAllowAction, iptablesMangleAllowAction, failsafeInboundHostPorts,
                    failsafeOutboundHostPorts, ipipEnabled, ipipTunnelAddress, vxlanEnabled, vxlanPort,
                    vxlanTunnelAddress, allowVxlanPacketsFromWorkloads, allowIpipPacketsFromWorkloads,
                    disableConntrackInvalidCheck, natOutgoingAddress, natPortRangeMin, natPortRangeMax,
                    iptablesNatOutgoingInterfaceFilter, serviceLoopPrevention, masqFullyRandom, snatFullyRandom);
        }
    }
}
