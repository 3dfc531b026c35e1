package dev.tabby.policy.render;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Felix v3.18's expected host endpoint chains, taken from felix rules/endpoints_test.go (Describe "Endpoints",
 * kubeIPVSEnabled false so without the {@code cali-sm-} chain) and, for what that file does not cover (mangle egress
 * chains, forward chains without policy), from felix dataplane/linux/endpoint_mgr_test.go chainsForIfaces.
 * Marks accept 0x8, pass 0x10, as there.
 */
class FelixHostEndpointChainsTest {
    static final Marks MARKS = new Marks(0x8, 0x10, 0x20, 0x40);
    /** endpoints_test.go rrConfigNormalMangleReturn: filter ACCEPT, IptablesMangleAllowAction RETURN. */
    static final HostEndpointChains NORMAL_MANGLE_RETURN = new HostEndpointChains(
            new EndpointChains.Config(MARKS, Actions.ACCEPT, false, false, false, 4789, Actions.RETURN));
    /** endpoints_test.go rrConfigConntrackDisabledReturnAction: filter RETURN, INVALID check off, mangle ACCEPT. */
    static final HostEndpointChains CONNTRACK_DISABLED_RETURN = new HostEndpointChains(
            new EndpointChains.Config(MARKS, Actions.RETURN, true, false, false, 4789));

    static final IptRule ESTABLISHED_ACCEPT = rule("-m conntrack --ctstate RELATED,ESTABLISHED", "--jump ACCEPT");
    static final IptRule ESTABLISHED_MARK = rule("-m conntrack --ctstate RELATED,ESTABLISHED", "--jump MARK --set-mark 0x8/0x8");
    static final IptRule ESTABLISHED_RETURN = rule("-m conntrack --ctstate RELATED,ESTABLISHED", "--jump RETURN");
    static final IptRule INVALID = rule("-m conntrack --ctstate INVALID", "--jump DROP");
    static final IptRule FAILSAFE_OUT = new IptRule(List.of(), "--jump cali-failsafe-out");
    static final IptRule FAILSAFE_IN = new IptRule(List.of(), "--jump cali-failsafe-in");
    static final IptRule CLEAR_ACCEPT = new IptRule(List.of(), "--jump MARK --set-mark 0/0x8");
    static final IptRule START = new IptRule(List.of(), "--jump MARK --set-mark 0/0x10", List.of("Start of policies"));
    static final IptRule RETURN_POLICY = new IptRule(List.of("-m mark --mark 0x8/0x8"), "--jump RETURN",
            List.of("Return if policy accepted"));
    static final IptRule RETURN_PROFILE = new IptRule(List.of("-m mark --mark 0x8/0x8"), "--jump RETURN",
            List.of("Return if profile accepted"));
    static final IptRule NOTRACK = rule("-m mark --mark 0x8/0x8", "--jump NOTRACK");
    static final IptRule DROP_NO_POLICY = new IptRule(List.of("-m mark --mark 0/0x10"), "--jump DROP",
            List.of("Drop if no policies passed packet"));
    static final IptRule DROP_NO_PROFILE = new IptRule(List.of(), "--jump DROP", List.of("Drop if no profiles matched"));

    static IptRule rule(String match, String action) {
        return new IptRule(List.of(match), action);
    }

    static IptRule jumpIfPassClear(String chain) {
        return rule("-m mark --mark 0/0x10", "--jump " + chain);
    }

    static IptRule jump(String chain) {
        return new IptRule(List.of(), "--jump " + chain);
    }

    static List<IptRule> rules(IptRule... rules) {
        return new ArrayList<>(List.of(rules));
    }

    /** It("should render a host endpoint"), "with normal config". */
    @Test
    void hostEndpointFilterChains() {
        List<Chain> expected = List.of(
                new Chain("cali-th-eth0", rules(ESTABLISHED_ACCEPT, INVALID, FAILSAFE_OUT, CLEAR_ACCEPT, START,
                        jumpIfPassClear("cali-po-ae"), RETURN_POLICY, jumpIfPassClear("cali-po-be"), RETURN_POLICY,
                        DROP_NO_POLICY,
                        jump("cali-pro-prof1"), RETURN_PROFILE, jump("cali-pro-prof2"), RETURN_PROFILE,
                        DROP_NO_PROFILE)),
                new Chain("cali-fh-eth0", rules(ESTABLISHED_ACCEPT, INVALID, FAILSAFE_IN, CLEAR_ACCEPT, START,
                        jumpIfPassClear("cali-pi-ai"), RETURN_POLICY, jumpIfPassClear("cali-pi-bi"), RETURN_POLICY,
                        DROP_NO_POLICY,
                        jump("cali-pri-prof1"), RETURN_PROFILE, jump("cali-pri-prof2"), RETURN_PROFILE,
                        DROP_NO_PROFILE)),
                new Chain("cali-thfw-eth0", rules(ESTABLISHED_ACCEPT, INVALID, CLEAR_ACCEPT, START,
                        jumpIfPassClear("cali-po-afe"), RETURN_POLICY, jumpIfPassClear("cali-po-bfe"), RETURN_POLICY,
                        DROP_NO_POLICY)),
                new Chain("cali-fhfw-eth0", rules(ESTABLISHED_ACCEPT, INVALID, CLEAR_ACCEPT, START,
                        jumpIfPassClear("cali-pi-afi"), RETURN_POLICY, jumpIfPassClear("cali-pi-bfi"), RETURN_POLICY,
                        DROP_NO_POLICY)));
        assertEquals(expected, NORMAL_MANGLE_RETURN.filter("eth0", List.of("ai", "bi"), List.of("ae", "be"),
                List.of("afi", "bfi"), List.of("afe", "bfe"), List.of("prof1", "prof2")));
    }

    /** It("should render host endpoint raw chains with untracked policies"). */
    @Test
    void untrackedRawChains() {
        assertEquals(List.of(
                new Chain("cali-th-eth0", rules(FAILSAFE_OUT, CLEAR_ACCEPT, START, jumpIfPassClear("cali-po-c"),
                        NOTRACK, RETURN_POLICY)),
                new Chain("cali-fh-eth0", rules(FAILSAFE_IN, CLEAR_ACCEPT, START, jumpIfPassClear("cali-pi-c"),
                        NOTRACK, RETURN_POLICY))),
                NORMAL_MANGLE_RETURN.raw("eth0", List.of("c"), List.of("c")));
    }

    /** It("should render host endpoint mangle chains with pre-DNAT policies"), "with normal config" (mangle RETURN). */
    @Test
    void preDnatMangleChainWithReturnAllowAction() {
        assertEquals(List.of(new Chain("cali-fh-eth0", rules(ESTABLISHED_MARK, ESTABLISHED_RETURN, INVALID,
                        FAILSAFE_IN, CLEAR_ACCEPT, START, jumpIfPassClear("cali-pi-c"), RETURN_POLICY))),
                NORMAL_MANGLE_RETURN.mangleIngress("eth0", List.of("c")));
    }

    /** Describe("with ctstate=INVALID disabled"), It("should render host endpoint mangle chains with pre-DNAT ..."). */
    @Test
    void preDnatMangleChainWithInvalidCheckDisabled() {
        assertEquals(List.of(new Chain("cali-fh-eth0", rules(ESTABLISHED_ACCEPT,
                        FAILSAFE_IN, CLEAR_ACCEPT, START, jumpIfPassClear("cali-pi-c"), RETURN_POLICY))),
                CONNTRACK_DISABLED_RETURN.mangleIngress("eth0", List.of("c")));
    }

    /**
     * endpoint_mgr_test.go mangleEgressChainsForIfaces("eth0_polA"): the mangle {@code cali-th-} allows with RETURN
     * whatever the filter and mangle allow actions are.
     */
    @Test
    void mangleEgressChainReturnsAllowedTraffic() {
        List<Chain> expected = List.of(new Chain("cali-th-eth0", rules(ESTABLISHED_MARK, ESTABLISHED_RETURN, INVALID,
                FAILSAFE_OUT, CLEAR_ACCEPT, START, jumpIfPassClear("cali-po-polA"), RETURN_POLICY, DROP_NO_POLICY,
                DROP_NO_PROFILE)));
        assertEquals(expected, NORMAL_MANGLE_RETURN.mangleEgress("eth0", List.of("polA"), List.of()));
        HostEndpointChains acceptEverywhere = new HostEndpointChains(EndpointChains.Config.defaults(MARKS));
        assertEquals(expected, acceptEverywhere.mangleEgress("eth0", List.of("polA"), List.of()));
    }

    /**
     * endpoint_mgr_test.go hostChainsForIfaces("eth0"): with no policy at all, the normal chains drop (after the
     * failsafe) and the forward chains allow by default.
     */
    @Test
    void noPolicyDropsHostTrafficAndAllowsForwardedTraffic() {
        IptRule allowForward = new IptRule(List.of(), "--jump MARK --set-mark 0x8/0x8",
                List.of("Allow forwarded traffic by default"));
        IptRule returnForward = new IptRule(List.of(), "--jump RETURN", List.of("Return for accepted forward traffic"));
        assertEquals(List.of(
                new Chain("cali-th-eth0", rules(ESTABLISHED_ACCEPT, INVALID, FAILSAFE_OUT, CLEAR_ACCEPT, DROP_NO_PROFILE)),
                new Chain("cali-fh-eth0", rules(ESTABLISHED_ACCEPT, INVALID, FAILSAFE_IN, CLEAR_ACCEPT, DROP_NO_PROFILE)),
                new Chain("cali-thfw-eth0", rules(ESTABLISHED_ACCEPT, INVALID, CLEAR_ACCEPT, allowForward, returnForward)),
                new Chain("cali-fhfw-eth0", rules(ESTABLISHED_ACCEPT, INVALID, CLEAR_ACCEPT, allowForward, returnForward))),
                NORMAL_MANGLE_RETURN.filter("eth0", List.of(), List.of(), List.of(), List.of(), List.of()));
    }

    /** felix EndpointChainName: names longer than 28 characters are hashed (hashutils.GetLengthLimitedID). */
    @Test
    void longInterfaceNamesGiveChainNamesOfAtMost28Characters() {
        List<Chain> chains = NORMAL_MANGLE_RETURN.filter("any-interface-at-all", List.of(), List.of(), List.of(),
                List.of(), List.of());
        assertEquals("cali-th-any-interface-at-all", chains.get(0).name());
        assertEquals("cali-fh-any-interface-at-all", chains.get(1).name());
        for (Chain c : chains) {
            assertTrue(c.name().length() <= 28, c.name());
        }
        assertEquals(EndpointChains.chainName("cali-thfw-", "any-interface-at-all"), chains.get(2).name());
        assertTrue(chains.get(2).name().startsWith("cali-thfw-_"), chains.get(2).name());
    }
}
