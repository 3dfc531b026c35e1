package dev.tabby.policy.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Felix v3.18's expected host endpoint dispatch chains: felix rules/dispatch_test.go, Describe("Dispatch chains") /
 * Describe("host endpoint rendering tests"), its four DescribeTables and their four Entries each, with
 * WorkloadIfacePrefixes {"cali", "tap"}. The Go tests' "nil map" entries are the empty lists here. The last tests
 * (wildcard default in the from-only and to-only variants) have no Go test; their data follows rules/dispatch.go.
 */
class FelixHostDispatchTest {
    static final HostDispatch RENDERER = new HostDispatch(List.of("cali", "tap"));

    static final List<String> SINGLE = List.of("eth1234");
    static final List<String> SHARING_PREFIX = List.of("eth1234", "eth2333", "eth2444");
    static final List<String> MULTIPLE_PREFIXES = List.of("eth11", "eth12", "eth13", "eth21", "eth22");

    /** dispatch_test.go inboundGotoRule. */
    static IptRule in(String iface, String target) {
        return new IptRule(List.of("--in-interface " + iface), "--goto " + target);
    }

    /** dispatch_test.go outboundGotoRule. */
    static IptRule out(String iface, String target) {
        return new IptRule(List.of("--out-interface " + iface), "--goto " + target);
    }

    /** dispatch_test.go gotoRule. */
    static IptRule go(String target) {
        return new IptRule(List.of(), "--goto " + target);
    }

    static Chain chain(String name, IptRule... rules) {
        return new Chain(name, List.of(rules));
    }

    // DescribeTable("host endpoint rendering tests preDNAT"): FromHostDispatchChains(input, "")

    @Test
    void preDnatNilMap() {
        assertEquals(List.of(chain("cali-from-host-endpoint")), RENDERER.fromHostDispatchChains(List.of(), null));
    }

    @Test
    void preDnatSingleInterface() {
        assertEquals(List.of(chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"))),
                RENDERER.fromHostDispatchChains(SINGLE, ""));
    }

    @Test
    void preDnatInterfacesSharingPrefix() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-2", in("eth2333", "cali-fh-eth2333"), in("eth2444", "cali-fh-eth2444")),
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), in("eth2+", "cali-from-host-endpoint-2"))),
                RENDERER.fromHostDispatchChains(SHARING_PREFIX, null));
    }

    @Test
    void preDnatMultipleInterfacesSharingMultiplePrefixes() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-1", in("eth11", "cali-fh-eth11"), in("eth12", "cali-fh-eth12"),
                        in("eth13", "cali-fh-eth13")),
                chain("cali-from-host-endpoint-2", in("eth21", "cali-fh-eth21"), in("eth22", "cali-fh-eth22")),
                chain("cali-from-host-endpoint", in("eth1+", "cali-from-host-endpoint-1"),
                        in("eth2+", "cali-from-host-endpoint-2"))),
                RENDERER.fromHostDispatchChains(MULTIPLE_PREFIXES, null));
    }

    // DescribeTable("host endpoint rendering tests untracked"): HostDispatchChains(input, "", false)

    @Test
    void untrackedNilMap() {
        assertEquals(List.of(chain("cali-from-host-endpoint"), chain("cali-to-host-endpoint")),
                RENDERER.hostDispatchChains(List.of(), null, false));
    }

    @Test
    void untrackedSingleInterface() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"))),
                RENDERER.hostDispatchChains(SINGLE, "", false));
    }

    @Test
    void untrackedInterfacesSharingPrefix() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-2", in("eth2333", "cali-fh-eth2333"), in("eth2444", "cali-fh-eth2444")),
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), in("eth2+", "cali-from-host-endpoint-2")),
                chain("cali-to-host-endpoint-2", out("eth2333", "cali-th-eth2333"), out("eth2444", "cali-th-eth2444")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"), out("eth2+", "cali-to-host-endpoint-2"))),
                RENDERER.hostDispatchChains(SHARING_PREFIX, null, false));
    }

    @Test
    void untrackedMultipleInterfacesSharingMultiplePrefixes() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-1", in("eth11", "cali-fh-eth11"), in("eth12", "cali-fh-eth12"),
                        in("eth13", "cali-fh-eth13")),
                chain("cali-from-host-endpoint-2", in("eth21", "cali-fh-eth21"), in("eth22", "cali-fh-eth22")),
                chain("cali-from-host-endpoint", in("eth1+", "cali-from-host-endpoint-1"),
                        in("eth2+", "cali-from-host-endpoint-2")),
                chain("cali-to-host-endpoint-1", out("eth11", "cali-th-eth11"), out("eth12", "cali-th-eth12"),
                        out("eth13", "cali-th-eth13")),
                chain("cali-to-host-endpoint-2", out("eth21", "cali-th-eth21"), out("eth22", "cali-th-eth22")),
                chain("cali-to-host-endpoint", out("eth1+", "cali-to-host-endpoint-1"),
                        out("eth2+", "cali-to-host-endpoint-2"))),
                RENDERER.hostDispatchChains(MULTIPLE_PREFIXES, null, false));
    }

    // DescribeTable("host endpoint rendering tests apply on forward"): HostDispatchChains(input, "", true)

    @Test
    void applyOnForwardNilMap() {
        assertEquals(List.of(chain("cali-from-host-endpoint"), chain("cali-to-host-endpoint"),
                        chain("cali-from-hep-forward"), chain("cali-to-hep-forward")),
                RENDERER.hostDispatchChains(List.of(), null, true));
    }

    @Test
    void applyOnForwardSingleInterface() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234")),
                chain("cali-from-hep-forward", in("eth1234", "cali-fhfw-eth1234")),
                chain("cali-to-hep-forward", out("eth1234", "cali-thfw-eth1234"))),
                RENDERER.hostDispatchChains(SINGLE, null, true));
    }

    @Test
    void applyOnForwardInterfacesSharingPrefix() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-2", in("eth2333", "cali-fh-eth2333"), in("eth2444", "cali-fh-eth2444")),
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), in("eth2+", "cali-from-host-endpoint-2")),
                chain("cali-to-host-endpoint-2", out("eth2333", "cali-th-eth2333"), out("eth2444", "cali-th-eth2444")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"), out("eth2+", "cali-to-host-endpoint-2")),
                chain("cali-from-hep-forward-2", in("eth2333", "cali-fhfw-eth2333"), in("eth2444", "cali-fhfw-eth2444")),
                chain("cali-from-hep-forward", in("eth1234", "cali-fhfw-eth1234"), in("eth2+", "cali-from-hep-forward-2")),
                chain("cali-to-hep-forward-2", out("eth2333", "cali-thfw-eth2333"), out("eth2444", "cali-thfw-eth2444")),
                chain("cali-to-hep-forward", out("eth1234", "cali-thfw-eth1234"), out("eth2+", "cali-to-hep-forward-2"))),
                RENDERER.hostDispatchChains(SHARING_PREFIX, null, true));
    }

    @Test
    void applyOnForwardMultipleInterfacesSharingMultiplePrefixes() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-1", in("eth11", "cali-fh-eth11"), in("eth12", "cali-fh-eth12"),
                        in("eth13", "cali-fh-eth13")),
                chain("cali-from-host-endpoint-2", in("eth21", "cali-fh-eth21"), in("eth22", "cali-fh-eth22")),
                chain("cali-from-host-endpoint", in("eth1+", "cali-from-host-endpoint-1"),
                        in("eth2+", "cali-from-host-endpoint-2")),
                chain("cali-to-host-endpoint-1", out("eth11", "cali-th-eth11"), out("eth12", "cali-th-eth12"),
                        out("eth13", "cali-th-eth13")),
                chain("cali-to-host-endpoint-2", out("eth21", "cali-th-eth21"), out("eth22", "cali-th-eth22")),
                chain("cali-to-host-endpoint", out("eth1+", "cali-to-host-endpoint-1"),
                        out("eth2+", "cali-to-host-endpoint-2")),
                chain("cali-from-hep-forward-1", in("eth11", "cali-fhfw-eth11"), in("eth12", "cali-fhfw-eth12"),
                        in("eth13", "cali-fhfw-eth13")),
                chain("cali-from-hep-forward-2", in("eth21", "cali-fhfw-eth21"), in("eth22", "cali-fhfw-eth22")),
                chain("cali-from-hep-forward", in("eth1+", "cali-from-hep-forward-1"),
                        in("eth2+", "cali-from-hep-forward-2")),
                chain("cali-to-hep-forward-1", out("eth11", "cali-thfw-eth11"), out("eth12", "cali-thfw-eth12"),
                        out("eth13", "cali-thfw-eth13")),
                chain("cali-to-hep-forward-2", out("eth21", "cali-thfw-eth21"), out("eth22", "cali-thfw-eth22")),
                chain("cali-to-hep-forward", out("eth1+", "cali-to-hep-forward-1"),
                        out("eth2+", "cali-to-hep-forward-2"))),
                RENDERER.hostDispatchChains(MULTIPLE_PREFIXES, null, true));
    }

    // DescribeTable("host endpoint rendering tests apply on forward, with default interface name"):
    // HostDispatchChains(input, "eth-default", true)

    @Test
    void defaultInterfaceNilMap() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint", go("cali-fh-eth-default")),
                chain("cali-to-host-endpoint", go("cali-th-eth-default")),
                chain("cali-from-hep-forward", go("cali-fhfw-eth-default")),
                chain("cali-to-hep-forward", go("cali-thfw-eth-default"))),
                RENDERER.hostDispatchChains(List.of(), "eth-default", true));
    }

    @Test
    void defaultInterfaceSingleInterface() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), go("cali-fh-eth-default")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"), go("cali-th-eth-default")),
                chain("cali-from-hep-forward", in("eth1234", "cali-fhfw-eth1234"), go("cali-fhfw-eth-default")),
                chain("cali-to-hep-forward", out("eth1234", "cali-thfw-eth1234"), go("cali-thfw-eth-default"))),
                RENDERER.hostDispatchChains(SINGLE, "eth-default", true));
    }

    @Test
    void defaultInterfaceInterfacesSharingPrefix() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-2", in("eth2333", "cali-fh-eth2333"), in("eth2444", "cali-fh-eth2444"),
                        go("cali-fh-eth-default")),
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), in("eth2+", "cali-from-host-endpoint-2"),
                        go("cali-fh-eth-default")),
                chain("cali-to-host-endpoint-2", out("eth2333", "cali-th-eth2333"), out("eth2444", "cali-th-eth2444"),
                        go("cali-th-eth-default")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"), out("eth2+", "cali-to-host-endpoint-2"),
                        go("cali-th-eth-default")),
                chain("cali-from-hep-forward-2", in("eth2333", "cali-fhfw-eth2333"), in("eth2444", "cali-fhfw-eth2444"),
                        go("cali-fhfw-eth-default")),
                chain("cali-from-hep-forward", in("eth1234", "cali-fhfw-eth1234"), in("eth2+", "cali-from-hep-forward-2"),
                        go("cali-fhfw-eth-default")),
                chain("cali-to-hep-forward-2", out("eth2333", "cali-thfw-eth2333"), out("eth2444", "cali-thfw-eth2444"),
                        go("cali-thfw-eth-default")),
                chain("cali-to-hep-forward", out("eth1234", "cali-thfw-eth1234"), out("eth2+", "cali-to-hep-forward-2"),
                        go("cali-thfw-eth-default"))),
                RENDERER.hostDispatchChains(SHARING_PREFIX, "eth-default", true));
    }

    @Test
    void defaultInterfaceMultipleInterfacesSharingMultiplePrefixes() {
        assertEquals(List.of(
                chain("cali-from-host-endpoint-1", in("eth11", "cali-fh-eth11"), in("eth12", "cali-fh-eth12"),
                        in("eth13", "cali-fh-eth13"), go("cali-fh-eth-default")),
                chain("cali-from-host-endpoint-2", in("eth21", "cali-fh-eth21"), in("eth22", "cali-fh-eth22"),
                        go("cali-fh-eth-default")),
                chain("cali-from-host-endpoint", in("eth1+", "cali-from-host-endpoint-1"),
                        in("eth2+", "cali-from-host-endpoint-2"), go("cali-fh-eth-default")),
                chain("cali-to-host-endpoint-1", out("eth11", "cali-th-eth11"), out("eth12", "cali-th-eth12"),
                        out("eth13", "cali-th-eth13"), go("cali-th-eth-default")),
                chain("cali-to-host-endpoint-2", out("eth21", "cali-th-eth21"), out("eth22", "cali-th-eth22"),
                        go("cali-th-eth-default")),
                chain("cali-to-host-endpoint", out("eth1+", "cali-to-host-endpoint-1"),
                        out("eth2+", "cali-to-host-endpoint-2"), go("cali-th-eth-default")),
                chain("cali-from-hep-forward-1", in("eth11", "cali-fhfw-eth11"), in("eth12", "cali-fhfw-eth12"),
                        in("eth13", "cali-fhfw-eth13"), go("cali-fhfw-eth-default")),
                chain("cali-from-hep-forward-2", in("eth21", "cali-fhfw-eth21"), in("eth22", "cali-fhfw-eth22"),
                        go("cali-fhfw-eth-default")),
                chain("cali-from-hep-forward", in("eth1+", "cali-from-hep-forward-1"),
                        in("eth2+", "cali-from-hep-forward-2"), go("cali-fhfw-eth-default")),
                chain("cali-to-hep-forward-1", out("eth11", "cali-thfw-eth11"), out("eth12", "cali-thfw-eth12"),
                        out("eth13", "cali-thfw-eth13"), go("cali-thfw-eth-default")),
                chain("cali-to-hep-forward-2", out("eth21", "cali-thfw-eth21"), out("eth22", "cali-thfw-eth22"),
                        go("cali-thfw-eth-default")),
                chain("cali-to-hep-forward", out("eth1+", "cali-to-hep-forward-1"),
                        out("eth2+", "cali-to-hep-forward-2"), go("cali-thfw-eth-default"))),
                RENDERER.hostDispatchChains(MULTIPLE_PREFIXES, "eth-default", true));
    }

    // No Go test: rules/dispatch.go hostDispatchChains with a default and applyOnForward false.

    /** ToHostDispatchChains (mangle): the wildcard's egress policy skips traffic to local workloads, per prefix. */
    @Test
    void toHostDispatchWithDefaultSkipsLocalWorkloads() {
        IptRule skipCali = new IptRule(List.of("--out-interface cali+"), "--jump RETURN",
                List.of("Skip egress WHEP policy for traffic to local workload"));
        IptRule skipTap = new IptRule(List.of("--out-interface tap+"), "--jump RETURN",
                List.of("Skip egress WHEP policy for traffic to local workload"));
        assertEquals(List.of(
                chain("cali-to-host-endpoint-2", out("eth2333", "cali-th-eth2333"), out("eth2444", "cali-th-eth2444"),
                        skipCali, skipTap, go("cali-th-eth-default")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"), out("eth2+", "cali-to-host-endpoint-2"),
                        skipCali, skipTap, go("cali-th-eth-default"))),
                RENDERER.toHostDispatchChains(SHARING_PREFIX, "eth-default"));
        assertEquals(List.of(chain("cali-to-host-endpoint")), RENDERER.toHostDispatchChains(List.of(), null));
    }

    /** FromHostDispatchChains (mangle, pre-DNAT) with a default: no skip rules on the "from" side. */
    @Test
    void fromHostDispatchWithDefault() {
        assertEquals(List.of(chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), go("cali-fh-eth-default"))),
                RENDERER.fromHostDispatchChains(SINGLE, "eth-default"));
    }

    /** HostDispatchChains without applyOnForward but with a default (not a combination Felix uses; the code allows it). */
    @Test
    void hostDispatchWithoutForwardButWithDefaultSkipsLocalWorkloadsOnTheToSide() {
        List<Chain> chains = new HostDispatch(List.of("cali")).hostDispatchChains(SINGLE, "eth-default", false);
        assertEquals(List.of(
                chain("cali-from-host-endpoint", in("eth1234", "cali-fh-eth1234"), go("cali-fh-eth-default")),
                chain("cali-to-host-endpoint", out("eth1234", "cali-th-eth1234"),
                        new IptRule(List.of("--out-interface cali+"), "--jump RETURN",
                                List.of("Skip egress WHEP policy for traffic to local workload")),
                        go("cali-th-eth-default"))), chains);
    }
}
