package dev.tabby.policy.render;

import dev.tabby.model.v3.FelixConfiguration.ProtoPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failsafe port list as Felix v3.18 reads it: felix config/param_types.go PortListParam.Parse, the entries of
 * config/config_params_test.go for FailsafeInboundHostPorts / FailsafeOutboundHostPorts, and the conversion of
 * the v3 API list in libcalico-go updateprocessors/felixconfigprocessor.go protoPortSliceToString.
 */
class FailsafePortTest {
    static FailsafePort tcp(int port) {
        return new FailsafePort("tcp", port, "");
    }

    static FailsafePort udp(int port) {
        return new FailsafePort("udp", port, "");
    }

    @Test
    void defaultsAreFelixs() {
        assertEquals(List.of(tcp(22), udp(68), tcp(179), tcp(2379), tcp(2380), tcp(5473), tcp(6443), tcp(6666), tcp(6667)),
                FailsafePort.DEFAULT_INBOUND);
        assertEquals(List.of(udp(53), udp(67), tcp(179), tcp(2379), tcp(2380), tcp(5473), tcp(6443), tcp(6666), tcp(6667)),
                FailsafePort.DEFAULT_OUTBOUND);
    }

    @Test
    void felixConfigParamsTestEntries() {
        assertEquals(List.of(tcp(1), tcp(2), tcp(3), tcp(4)), FailsafePort.parseList("1,2,3,4"), "old syntax");
        assertEquals(List.of(tcp(1), udp(2)), FailsafePort.parseList("tcp:1,udp:2"), "new syntax");
        assertEquals(List.of(new FailsafePort("tcp", 1, "0.0.0.0/0"), new FailsafePort("udp", 2, "0.0.0.0/0")),
                FailsafePort.parseList("tcp:0.0.0.0/0:1,udp:0.0.0.0/0:2"), "new cidr syntax");
        assertEquals(List.of(new FailsafePort("tcp", 1, "::/0"), new FailsafePort("udp", 2, "::/0")),
                FailsafePort.parseList("tcp:[::/0]:1,udp:[::/0]:2"), "new cidr syntax IPv6");
        assertEquals(List.of(tcp(1), udp(2)), FailsafePort.parseList("1,udp:2"), "mixed syntax");
        assertEquals(List.of(tcp(1), new FailsafePort("udp", 2, "0.0.0.0/0")),
                FailsafePort.parseList("1,udp:0.0.0.0/0:2"), "new mixed syntax");
        assertEquals(List.of(), FailsafePort.parseList("none"), "none");
        assertEquals(List.of(), FailsafePort.parseList("NONE"), "none, any case");
    }

    @Test
    void briefExampleAndNormalisation() {
        assertEquals(List.of(tcp(22), new FailsafePort("udp", 68, "10.0.0.0/8")), FailsafePort.parseList("tcp:22,udp:10.0.0.0/8:68"));
        // ParseCIDROrIP then IPNet.String(): host bits cleared, a bare address is a /32 or /128, IPv6 compressed.
        assertEquals(List.of(new FailsafePort("tcp", 22, "10.0.0.0/8"), new FailsafePort("tcp", 22, "192.168.1.7/32"),
                        new FailsafePort("udp", 53, "fd00:1::/64"), new FailsafePort("tcp", 22, "fd00::1/128")),
                FailsafePort.parseList(" TCP:10.1.2.3/8:22 , tcp:192.168.1.7:22,,udp:[fd00:1:0:0:ffff::1/64]:53,tcp:[FD00::1]:22"));
        assertEquals(6, FailsafePort.parseList("tcp:[fd00::/64]:22").get(0).netIpVersion());
        assertEquals(4, FailsafePort.parseList("tcp:10.0.0.0/8:22").get(0).netIpVersion());
        assertEquals(0, FailsafePort.parseList("22").get(0).netIpVersion());
        assertEquals(List.of(tcp(0), tcp(65535)), FailsafePort.parseList("0,+65535"), "Atoi takes a sign");
        // Go trims spaces only: a tab stays and makes the port unreadable.
        assertThrows(IllegalArgumentException.class, () -> FailsafePort.parseList("22\t"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo:1                  | unknown protocol foo",
            "sctp:1                 | unknown protocol sctp",
            "tcp:0.0.0.0/0:1:bar    | has too many parts",
            "tcp:abc                | port \"abc\" is not an integer",
            "tcp: 22                | port \" 22\" is not an integer",
            "tcp:65536              | port 65536 is outside 0-65535",
            "tcp:-1                 | port -1 is outside 0-65535",
            "tcp:99999999999999999  | is outside 0-65535",
            "tcp:10.0.0.256/8:22    | invalid CIDR or IP 10.0.0.256/8",
            "tcp:10.0.0/8:22        | invalid CIDR or IP 10.0.0/8",
            "tcp:10.0.0.0/33:22     | invalid CIDR or IP 10.0.0.0/33",
            "tcp:10.0.0.0/-1:22     | invalid CIDR or IP 10.0.0.0/-1",
            "tcp:example.com:22     | invalid CIDR or IP example.com",
            "tcp:[fd00::/129]:22    | invalid CIDR or IP fd00::/129",
            "tcp:[fd00:::1]:22      | invalid CIDR or IP fd00:::1",
            "tcp:[fd00::1]          | not followed by",
    })
    void badInputsAreRefusedWithTheReason(String raw, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FailsafePort.parseList(raw));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().startsWith("failsafe host ports \"" + raw + "\": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void fromApiListAsCalicoHandsItToFelix() {
        assertEquals(List.of(tcp(22), new FailsafePort("udp", 68, "10.0.0.0/8"), new FailsafePort("tcp", 6443, "fd00::/64")),
                FailsafePort.fromApi("failsafeInboundHostPorts", List.of(new ProtoPort("TCP", 22, null),
                        new ProtoPort("UDP", 68, "10.1.0.0/8"), new ProtoPort("TCP", 6443, "fd00::/64"))));
        assertEquals(List.of(), FailsafePort.fromApi("failsafeInboundHostPorts", List.of()), "[] is none");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FailsafePort.fromApi("failsafeOutboundHostPorts", List.of(new ProtoPort("SCTP", 9, null))));
        assertEquals("failsafeOutboundHostPorts: protocol SCTP (port 9) is not supported by Felix v3.18's failsafe "
                + "rules; use TCP or UDP", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FailsafePort.fromApi("failsafeInboundHostPorts", List.of(new ProtoPort("TCP", 22, "10.0.0.300"))));
        assertTrue(e.getMessage().startsWith("failsafeInboundHostPorts: invalid CIDR or IP 10.0.0.300"), e.getMessage());
    }
}
