package dev.tabby.policy.render;

import java.util.Arrays;
import java.util.stream.Collectors;

import static dev.tabby.policy.render.Marks.hex;

/**
 * The match and action fragments the static chains need beyond {@link Match} and {@link Actions}, in felix
 * iptables/match_builder.go and iptables/actions.go syntax. Kept apart so this port does not edit the shared
 * builders while other chains are being written against them; they can move into Match/Actions later.
 */
final class StaticFragments {
    private StaticFragments() {
    }

    static final String REJECT = "--jump REJECT";

    static String conntrackState(String states) {
        return "-m conntrack --ctstate " + states;
    }

    static String notConntrackState(String states) {
        return "-m conntrack ! --ctstate " + states;
    }

    static String inInterface(String ifaceMatch) {
        return "--in-interface " + ifaceMatch;
    }

    static String outInterface(String ifaceMatch) {
        return "--out-interface " + ifaceMatch;
    }

    static String protocolNum(int number) {
        return "-p " + number;
    }

    static String destAddrTypeLocal() {
        return "-m addrtype --dst-type LOCAL";
    }

    static String srcAddrTypeLocal(boolean limitIfaceOut) {
        return "-m addrtype --src-type LOCAL" + (limitIfaceOut ? " --limit-iface-out" : "");
    }

    static String notSrcAddrTypeLocal(boolean limitIfaceOut) {
        return "-m addrtype ! --src-type LOCAL" + (limitIfaceOut ? " --limit-iface-out" : "");
    }

    /** felix RPFCheckFailed(acceptLocal=false): the reverse-path lookup for the source address failed. */
    static String rpfCheckFailed() {
        return "-m rpfilter --invert";
    }

    static String markMatchesWithMask(int mark, int mask) {
        if (mask == 0 || (mark & mask) != mark) {
            throw new IllegalArgumentException("mark " + hex(mark) + " is not within mask " + hex(mask));
        }
        return "-m mark --mark " + hex(mark) + "/" + hex(mask);
    }

    static String markSingleBitSet(int mark) {
        return Match.match().markSingleBitSet(mark).render();
    }

    static String markClear(int mark) {
        return Match.match().markClear(mark).render();
    }

    /** felix DestPorts(ports...): single ports, comma-separated. */
    static String destPorts(int... ports) {
        return "-m multiport --destination-ports " + joinPorts(ports);
    }

    static String sourcePorts(int... ports) {
        return "-m multiport --source-ports " + joinPorts(ports);
    }

    private static String joinPorts(int[] ports) {
        return Arrays.stream(ports).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** felix MasqAction: {@code --random-fully} when the iptables and kernel in use support it for MASQUERADE. */
    static String masquerade(String toPorts, boolean fullyRandom) {
        String random = fullyRandom ? " --random-fully" : "";
        return toPorts.isEmpty() ? "--jump MASQUERADE" + random : "--jump MASQUERADE --to-ports " + toPorts + random;
    }

    /** felix SNATAction: {@code --random-fully} when supported for SNAT. */
    static String snat(String toAddr, boolean fullyRandom) {
        return "--jump SNAT --to-source " + toAddr + (fullyRandom ? " --random-fully" : "");
    }
}
