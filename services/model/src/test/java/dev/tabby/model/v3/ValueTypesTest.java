package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** AS numbers, ports and protocols as calicoctl reads them (numbers or strings). */
class ValueTypesTest {

    @ParameterizedTest
    @CsvSource({"64512, 64512", "1, 1", "4294967295, 4294967295", "1.10, 65546", "0.1, 1", "65535.65535, 4294967295"})
    void asNumbersPlainAndAsdot(String text, long value) {
        assertEquals(value, AsNumber.parse(text).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "4294967296", "65536.0", "1.", ".1", "-1", "64512a", "", "1.2.3"})
    void badAsNumbers(String text) {
        assertThrows(IllegalArgumentException.class, () -> AsNumber.parse(text));
    }

    @Test
    void asNumberFromJsonTypes() {
        assertEquals(64512, AsNumber.from(64512).value());
        assertEquals(4294967295L, AsNumber.from(4294967295L).value());
        assertThrows(IllegalArgumentException.class, () -> AsNumber.from(1.5));
        assertThrows(IllegalArgumentException.class, () -> AsNumber.from(true));
    }

    @Test
    void ports() {
        assertEquals(Port.number(80), Port.from(80));
        assertEquals(Port.number(80), Port.from("80"));
        assertEquals(Port.range(8000, 8080), Port.from("8000:8080"));
        assertEquals(Port.named("http-alt"), Port.from("http-alt"));
        assertEquals(80, Port.from("80").json());
        assertEquals("8000:8080", Port.from("8000:8080").json());
        for (Object bad : new Object[] {0, 65536, "0", "70000", "1:70000", "90:80", "a--b", "UPPER", "x".repeat(16), "-web", 1.5, true}) {
            assertThrows(IllegalArgumentException.class, () -> Port.from(bad), () -> "accepted " + bad);
        }
    }

    @Test
    void protocols() {
        assertEquals(Protocol.TCP, Protocol.from("TCP"));
        assertEquals(Protocol.TCP, Protocol.from("tcp"), "names are matched without regard to case");
        assertEquals("ICMPv6", Protocol.from("icmpv6").json());
        assertEquals(Protocol.from(6).number(), 6);
        assertEquals(47, Protocol.from("47").number());
        assertThrows(IllegalArgumentException.class, () -> Protocol.from(0));
        assertThrows(IllegalArgumentException.class, () -> Protocol.from(256));
        assertThrows(IllegalArgumentException.class, () -> Protocol.from("GRE"));
        assertThrows(IllegalArgumentException.class, () -> Protocol.from(false));
    }

    @Test
    void kindsByTheNamesOperatorsType() {
        assertEquals(Kind.IP_POOL, Kind.byCliName("ippools").orElseThrow());
        assertEquals(Kind.IP_POOL, Kind.byCliName("IPPool").orElseThrow());
        assertEquals(Kind.GLOBAL_NETWORK_POLICY, Kind.byCliName("gnp").orElseThrow());
        assertEquals(Kind.NETWORK_POLICY, Kind.byCliName("networkpolicies").orElseThrow());
        assertEquals(Kind.HOST_ENDPOINT, Kind.byCliName("hep").orElseThrow());
        assertEquals("bgppeers", Kind.BGP_PEER.plural());
        for (Kind k : Kind.values()) {
            assertEquals(k, Kind.byCliName(k.plural()).orElseThrow());
            assertEquals(k, Kind.byKindName(k.kindName()).orElseThrow());
        }
    }
}
