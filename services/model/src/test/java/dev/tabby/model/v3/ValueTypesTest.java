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
    // libcalico-go v3.18 lib/numorstring/asnumber.go: a uint32, so 0 reads (the kinds decide what it means).
    @CsvSource({"64512, 64512", "1, 1", "4294967295, 4294967295", "1.10, 65546", "0.1, 1", "65535.65535, 4294967295",
            "0, 0", "0.0, 0"})
    void asNumbersPlainAndAsdot(String text, long value) {
        assertEquals(value, AsNumber.parse(text).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967296", "65536.0", "1.", ".1", "-1", "64512a", "", "1.2.3"})
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
        // A rule's named port is libcalico-go v3.18 lib/numorstring/port.go nameRegex [a-zA-Z0-9_.-]{1,128}: wider
        // than an endpoint port's name.
        for (String name : new String[] {"a--b", "UPPER", "x".repeat(128), "-web", "my_port.1"}) {
            assertEquals(Port.named(name), Port.from(name));
        }
        for (Object bad : new Object[] {0, 65536, "0", "70000", "1:70000", "90:80", "x".repeat(129), "a b", "a:b", "",
                1.5, true}) {
            assertThrows(IllegalArgumentException.class, () -> Port.from(bad), () -> "accepted " + bad);
        }
    }

    @Test
    void protocols() {
        assertEquals(Protocol.TCP, Protocol.from("TCP"));
        // In a manifest a name is written exactly (numorstring keeps "tcp" and validator.go validateProtocol refuses
        // it); on a command line, case does not matter.
        assertThrows(IllegalArgumentException.class, () -> Protocol.from("tcp"));
        assertEquals(Protocol.TCP, Protocol.parse("tcp"));
        assertEquals("ICMPv6", Protocol.parse("icmpv6").json());
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
