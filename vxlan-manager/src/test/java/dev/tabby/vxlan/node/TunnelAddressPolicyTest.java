package dev.tabby.vxlan.node;

import static dev.tabby.vxlan.testing.Resources.node;
import static dev.tabby.vxlan.testing.Resources.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.ipam.Assignment;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Node;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TunnelAddressPolicyTest {
    final Node gold = node("n1", "10.0.0.1/24", null, null, "tier: gold");

    @Test
    void onlyEnabledVxlanPoolsThatSelectTheNodeCount() {
        List<Cidr> got = TunnelAddressPolicy.vxlanPoolsFor(gold, List.of(
                pool("always", "10.65.0.0/16", "Always"),
                pool("cross", "10.66.0.0/16", "CrossSubnet"),
                pool("never", "10.67.0.0/16", "Never"),
                pool("disabled", "10.68.0.0/16", "Always", null, true),
                pool("silver", "10.69.0.0/16", "Always", "tier == 'silver'", false),
                pool("gold", "10.70.0.0/16", "Always", "tier == 'gold'", false)));
        assertEquals(List.of(Cidr.parse("10.65.0.0/16"), Cidr.parse("10.66.0.0/16"), Cidr.parse("10.70.0.0/16")), got);
    }

    @Test
    void noVxlanPoolMeansNone() {
        assertEquals(List.of(), TunnelAddressPolicy.vxlanPoolsFor(gold, List.of(pool("p", "10.65.0.0/16", "Never"))));
    }

    static Optional<Assignment> assigned(String ip, String node, String type) {
        Map<String, String> attrs = type == null ? Map.of("node", node) : Map.of("node", node, "type", type);
        return Optional.of(new Assignment(IpAddress.parse(ip), Cidr.parse("10.65.0.0/26"), Optional.of(node), "h", attrs));
    }

    @Test
    void verdicts() {
        List<Cidr> pools = List.of(Cidr.parse("10.65.0.0/16"));
        Optional<IpAddress> ip = Optional.of(IpAddress.parse("10.65.0.1"));
        assertEquals(TunnelAddressPolicy.Verdict.ASSIGN, TunnelAddressPolicy.judge("n1", Optional.empty(), Optional.empty(), pools));
        assertEquals(TunnelAddressPolicy.Verdict.ASSIGN, TunnelAddressPolicy.judge("n1", ip, Optional.empty(), pools));
        assertEquals(TunnelAddressPolicy.Verdict.KEEP,
                TunnelAddressPolicy.judge("n1", ip, assigned("10.65.0.1", "n1", "vxlanTunnelAddress"), pools));
        assertEquals(TunnelAddressPolicy.Verdict.RELEASE_AND_ASSIGN,
                TunnelAddressPolicy.judge("n1", ip, assigned("10.65.0.1", "n1", "vxlanTunnelAddress"),
                        List.of(Cidr.parse("10.99.0.0/16"))));
        assertEquals(TunnelAddressPolicy.Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge("n1", ip, assigned("10.65.0.1", "n2", "vxlanTunnelAddress"), pools));
        assertEquals(TunnelAddressPolicy.Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge("n1", ip, assigned("10.65.0.1", "n1", "ipipTunnelAddress"), pools));
        assertEquals(TunnelAddressPolicy.Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge("n1", ip, assigned("10.65.0.1", "n1", null), pools));
    }
}
