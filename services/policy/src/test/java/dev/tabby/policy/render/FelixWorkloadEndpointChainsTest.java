package dev.tabby.policy.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Felix v3.18's expected workload endpoint chains (felix rules/endpoints_test.go "with normal config": marks accept
 * 0x8, pass 0x10; filter allow action ACCEPT; VXLAN port 4789), without the IPVS-only {@code cali-sm-} chain.
 */
class FelixWorkloadEndpointChainsTest {
    static final EndpointChains RENDERER = new EndpointChains(
            EndpointChains.Config.defaults(new Marks(0x8, 0x10, 0x20, 0x40)));

    static final IptRule ESTABLISHED = new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"), "--jump ACCEPT");
    static final IptRule INVALID = new IptRule(List.of("-m conntrack --ctstate INVALID"), "--jump DROP");
    static final IptRule CLEAR_ACCEPT = new IptRule(List.of(), "--jump MARK --set-mark 0/0x8");
    static final IptRule DROP_VXLAN = new IptRule(List.of("-p 17", "-m multiport --destination-ports 4789"), "--jump DROP",
            List.of("Drop VXLAN encapped packets originating in workloads"));
    static final IptRule DROP_IPIP = new IptRule(List.of("-p 4"), "--jump DROP",
            List.of("Drop IPinIP encapped packets originating in workloads"));
    static final IptRule DROP_NO_PROFILE = new IptRule(List.of(), "--jump DROP", List.of("Drop if no profiles matched"));

    @Test
    void minimalWorkloadEndpoint() {
        assertEquals(List.of(
                new Chain("cali-tw-cali1234", List.of(ESTABLISHED, INVALID, CLEAR_ACCEPT, DROP_NO_PROFILE)),
                new Chain("cali-fw-cali1234", List.of(ESTABLISHED, INVALID, CLEAR_ACCEPT, DROP_VXLAN, DROP_IPIP, DROP_NO_PROFILE))),
                RENDERER.workload("cali1234", true, List.of(), List.of(), List.of()));
    }

    @Test
    void disabledWorkloadEndpoint() {
        IptRule disabled = new IptRule(List.of(), "--jump DROP", List.of("Endpoint admin disabled"));
        assertEquals(List.of(new Chain("cali-tw-cali1234", List.of(disabled)), new Chain("cali-fw-cali1234", List.of(disabled))),
                RENDERER.workload("cali1234", false, List.of(), List.of(), List.of()));
    }

    static List<IptRule> policiesThenProfiles(String pol, String prof, String a, String b) {
        IptRule passClearStart = new IptRule(List.of(), "--jump MARK --set-mark 0/0x10", List.of("Start of policies"));
        IptRule returnPolicy = new IptRule(List.of("-m mark --mark 0x8/0x8"), "--jump RETURN", List.of("Return if policy accepted"));
        IptRule returnProfile = new IptRule(List.of("-m mark --mark 0x8/0x8"), "--jump RETURN", List.of("Return if profile accepted"));
        return List.of(passClearStart,
                new IptRule(List.of("-m mark --mark 0/0x10"), "--jump " + pol + a), returnPolicy,
                new IptRule(List.of("-m mark --mark 0/0x10"), "--jump " + pol + b), returnPolicy,
                new IptRule(List.of("-m mark --mark 0/0x10"), "--jump DROP", List.of("Drop if no policies passed packet")),
                new IptRule(List.of(), "--jump " + prof + "prof1"), returnProfile,
                new IptRule(List.of(), "--jump " + prof + "prof2"), returnProfile,
                DROP_NO_PROFILE);
    }

    @Test
    void fullyLoadedWorkloadEndpoint() {
        List<IptRule> tw = new java.util.ArrayList<>(List.of(ESTABLISHED, INVALID, CLEAR_ACCEPT));
        tw.addAll(policiesThenProfiles("cali-pi-", "cali-pri-", "ai", "bi"));
        List<IptRule> fw = new java.util.ArrayList<>(List.of(ESTABLISHED, INVALID, CLEAR_ACCEPT, DROP_VXLAN, DROP_IPIP));
        fw.addAll(policiesThenProfiles("cali-po-", "cali-pro-", "ae", "be"));
        assertEquals(List.of(new Chain("cali-tw-cali1234", tw), new Chain("cali-fw-cali1234", fw)),
                RENDERER.workload("cali1234", true, List.of("ai", "bi"), List.of("ae", "be"), List.of("prof1", "prof2")));
    }

    @Test
    void returnAllowActionMarksEstablishedFirstAndInvalidCheckCanBeOff() {
        EndpointChains r = new EndpointChains(new EndpointChains.Config(new Marks(0x8, 0x10, 0x20, 0x40), Actions.RETURN,
                true, true, true, 4789));
        assertEquals(new Chain("cali-tw-cali1234", List.of(
                new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"), "--jump MARK --set-mark 0x8/0x8"),
                new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"), "--jump RETURN"),
                CLEAR_ACCEPT, DROP_NO_PROFILE)), r.workload("cali1234", true, List.of(), List.of(), List.of()).get(0));
        assertEquals("cali-fw-_", EndpointChains.chainName("cali-fw-", "a-very-long-interface-name-x").substring(0, 9));
    }
}
