package dev.tabby.policy.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Felix v3.18's expected dispatch chains (felix rules/dispatch_test.go, kubeIPVSEnabled false). */
class FelixWorkloadDispatchTest {
    static final IptRule DROP = new IptRule(List.of(), "--jump DROP", List.of("Unknown interface"));

    static IptRule in(String iface, String target) {
        return new IptRule(List.of("--in-interface " + iface), "--goto " + target);
    }

    static IptRule out(String iface, String target) {
        return new IptRule(List.of("--out-interface " + iface), "--goto " + target);
    }

    @Test
    void noEndpoints() {
        assertEquals(List.of(new Chain("cali-from-wl-dispatch", List.of(DROP)), new Chain("cali-to-wl-dispatch", List.of(DROP))),
                WorkloadDispatch.chains(List.of()));
    }

    @Test
    void singleInterface() {
        assertEquals(List.of(
                new Chain("cali-from-wl-dispatch", List.of(in("cali1234", "cali-fw-cali1234"), DROP)),
                new Chain("cali-to-wl-dispatch", List.of(out("cali1234", "cali-tw-cali1234"), DROP))),
                WorkloadDispatch.chains(List.of("cali1234")));
    }

    @Test
    void interfacesSharingPrefix() {
        assertEquals(List.of(
                new Chain("cali-from-wl-dispatch-2", List.of(in("cali2333", "cali-fw-cali2333"), in("cali2444", "cali-fw-cali2444"), DROP)),
                new Chain("cali-from-wl-dispatch", List.of(in("cali1234", "cali-fw-cali1234"), in("cali2+", "cali-from-wl-dispatch-2"), DROP)),
                new Chain("cali-to-wl-dispatch-2", List.of(out("cali2333", "cali-tw-cali2333"), out("cali2444", "cali-tw-cali2444"), DROP)),
                new Chain("cali-to-wl-dispatch", List.of(out("cali1234", "cali-tw-cali1234"), out("cali2+", "cali-to-wl-dispatch-2"), DROP))),
                WorkloadDispatch.chains(List.of("cali2444", "cali1234", "cali2333")));
    }

    @Test
    void multiplePrefixesAndDuplicates() {
        List<Chain> chains = WorkloadDispatch.chains(List.of("cali11", "cali12", "cali13", "cali21", "cali22", "cali22"));
        assertEquals(List.of("cali-from-wl-dispatch-1", "cali-from-wl-dispatch-2", "cali-from-wl-dispatch",
                "cali-to-wl-dispatch-1", "cali-to-wl-dispatch-2", "cali-to-wl-dispatch"), chains.stream().map(Chain::name).toList());
        assertEquals(List.of(in("cali1+", "cali-from-wl-dispatch-1"), in("cali2+", "cali-from-wl-dispatch-2"), DROP),
                chains.get(2).rules());
        assertEquals(List.of(in("cali21", "cali-fw-cali21"), in("cali22", "cali-fw-cali22"), DROP), chains.get(1).rules());
        assertThrows(IllegalArgumentException.class, () -> WorkloadDispatch.chains(List.of("")));
    }
}
