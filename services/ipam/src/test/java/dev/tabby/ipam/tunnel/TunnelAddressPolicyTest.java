package dev.tabby.ipam.tunnel;

import static dev.tabby.ipam.tunnel.TunnelResources.node;
import static dev.tabby.ipam.tunnel.TunnelResources.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.tunnel.TunnelAddressPolicy.Verdict;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** calico/node release-v3.18 pkg/allocateip/allocateip.go determineEnabledPoolCIDRs and ensureHostTunnelAddress. */
class TunnelAddressPolicyTest {
    final Node gold = node("n1", "tier: gold", "bgp: {ipv4Address: 10.0.0.1/24}");

    @Test
    void onlyEnabledVxlanPoolsThatSelectTheNodeCount() {
        List<Cidr> got = TunnelAddressPolicy.poolsFor(TunnelKind.VXLAN, gold, List.of(
                pool("always", "10.65.0.0/16", "vxlanMode: Always"),
                pool("cross", "10.66.0.0/16", "vxlanMode: CrossSubnet"),
                pool("never", "10.67.0.0/16", "vxlanMode: Never"),
                pool("disabled", "10.68.0.0/16", "vxlanMode: Always", "disabled: true"),
                pool("silver", "10.69.0.0/16", "vxlanMode: Always", "nodeSelector: \"tier == 'silver'\""),
                pool("gold", "10.70.0.0/16", "vxlanMode: Always", "nodeSelector: \"tier == 'gold'\""),
                pool("ipip", "10.71.0.0/16", "ipipMode: Always"),
                v6("vxlanMode")));
        assertEquals(List.of(Cidr.parse("10.65.0.0/16"), Cidr.parse("10.66.0.0/16"), Cidr.parse("10.70.0.0/16")), got);
    }

    @Test
    void onlyEnabledIpipPoolsThatSelectTheNodeCount() {
        List<Cidr> got = TunnelAddressPolicy.poolsFor(TunnelKind.IPIP, gold, List.of(
                pool("always", "10.65.0.0/16", "ipipMode: Always"),
                pool("cross", "10.66.0.0/16", "ipipMode: CrossSubnet"),
                pool("never", "10.67.0.0/16", "ipipMode: Never"),
                pool("unset", "10.72.0.0/16"),
                pool("disabled", "10.68.0.0/16", "ipipMode: Always", "disabled: true"),
                pool("silver", "10.69.0.0/16", "ipipMode: Always", "nodeSelector: \"tier == 'silver'\""),
                pool("gold", "10.70.0.0/16", "ipipMode: Always", "nodeSelector: \"tier == 'gold'\""),
                pool("vxlan", "10.71.0.0/16", "vxlanMode: Always"),
                v6("ipipMode")));
        assertEquals(List.of(Cidr.parse("10.65.0.0/16"), Cidr.parse("10.66.0.0/16"), Cidr.parse("10.70.0.0/16")), got);
    }

    /** An IPv6 pool with the mode on: the codec refuses one, as Calico's validator does; stored data may still hold it. */
    private static IPPool v6(String mode) {
        boolean vxlan = mode.equals("vxlanMode");
        return new IPPool(ObjectMeta.named("v6"), new IPPool.Spec("fd00:65::/48", vxlan ? "Always" : "Never",
                vxlan ? "Never" : "Always", false, false, 122, null));
    }

    @Test
    void noPoolOfTheKindMeansNone() {
        List<IPPool> pools = List.of(pool("p", "10.65.0.0/16", "vxlanMode: Never"));
        assertEquals(List.of(), TunnelAddressPolicy.poolsFor(TunnelKind.VXLAN, gold, pools));
        assertEquals(List.of(), TunnelAddressPolicy.poolsFor(TunnelKind.IPIP, gold, pools));
    }

    static Optional<Assignment> withHandle(String ip, String handle, Map<String, String> attrs) {
        return Optional.of(new Assignment(IpAddress.parse(ip), Cidr.parse("10.65.0.0/26"), Optional.of("n1"), handle,
                attrs));
    }

    static Optional<Assignment> assigned(String ip, String node, String type) {
        Map<String, String> attrs = type == null ? Map.of("node", node) : Map.of("node", node, "type", type);
        return withHandle(ip, "h", attrs);
    }

    @Test
    void vxlanVerdicts() {
        verdicts(TunnelKind.VXLAN, "vxlanTunnelAddress", "ipipTunnelAddress");
    }

    @Test
    void ipipVerdicts() {
        verdicts(TunnelKind.IPIP, "ipipTunnelAddress", "vxlanTunnelAddress");
    }

    private static void verdicts(TunnelKind kind, String ownType, String otherType) {
        List<Cidr> pools = List.of(Cidr.parse("10.65.0.0/16"));
        Optional<IpAddress> ip = Optional.of(IpAddress.parse("10.65.0.1"));
        assertEquals(Verdict.ASSIGN, TunnelAddressPolicy.judge(kind, "n1", Optional.empty(), Optional.empty(), pools));
        assertEquals(Verdict.ASSIGN, TunnelAddressPolicy.judge(kind, "n1", ip, Optional.empty(), pools),
                "named on the Node but not allocated");
        assertEquals(Verdict.KEEP, TunnelAddressPolicy.judge(kind, "n1", ip, assigned("10.65.0.1", "n1", ownType), pools));
        assertEquals(Verdict.RELEASE_AND_ASSIGN, TunnelAddressPolicy.judge(kind, "n1", ip,
                assigned("10.65.0.1", "n1", ownType), List.of(Cidr.parse("10.99.0.0/16"))), "ours, pool no longer serves");
        assertEquals(Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge(kind, "n1", ip, assigned("10.65.0.1", "n2", ownType), pools), "another node's");
        assertEquals(Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge(kind, "n1", ip, assigned("10.65.0.1", "n1", otherType), pools),
                "the other tunnel's");
        assertEquals(Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge(kind, "n1", ip, assigned("10.65.0.1", "n1", null), pools), "typeless");
        assertEquals(Verdict.ASSIGN_LEAVING_OLD,
                TunnelAddressPolicy.judge(kind, "n1", ip, withHandle("10.65.0.1", "k8s-pod-network.x", Map.of()), pools),
                "no attributes but a handle: a workload's from before attributes");
        assertEquals(Verdict.ADOPT, TunnelAddressPolicy.judge(kind, "n1", ip, withHandle("10.65.0.1", null, Map.of()), pools),
                "neither handle nor attributes: a pre-handle tunnel address");
    }

    @Test
    void ipipAddressLivesInBgpAndAnEmptyBgpIsDropped() {
        Node.Spec bare = node("n1", null).spec();
        Node.Spec with = TunnelKind.IPIP.withAddress(bare, "10.65.0.1");
        assertEquals("10.65.0.1", with.bgp().ipv4IPIPTunnelAddr());
        assertEquals("10.65.0.1", TunnelKind.IPIP.addressOn(with));
        assertNull(TunnelKind.IPIP.withAddress(with, null).bgp(), "Calico nils a BGP spec the removal left empty");

        Node.Spec kept = TunnelKind.IPIP.withAddress(TunnelKind.IPIP.withAddress(gold.spec(), "10.65.0.1"), null);
        assertEquals("10.0.0.1/24", kept.bgp().ipv4Address());
        assertNull(kept.bgp().ipv4IPIPTunnelAddr());
    }

    @Test
    void eachKindWritesOnlyItsOwnField() {
        Node.Spec both = TunnelKind.VXLAN.withAddress(TunnelKind.IPIP.withAddress(gold.spec(), "10.70.0.1"), "10.65.0.1");
        assertEquals("10.70.0.1", both.bgp().ipv4IPIPTunnelAddr());
        assertEquals("10.65.0.1", both.ipv4VXLANTunnelAddr());
        assertEquals("10.70.0.1", TunnelKind.VXLAN.withAddress(both, null).bgp().ipv4IPIPTunnelAddr());
        assertNull(TunnelKind.VXLAN.withAddress(both, null).ipv4VXLANTunnelAddr());
        assertNull(TunnelKind.IPIP.withAddress(both, null).bgp().ipv4IPIPTunnelAddr());
        assertEquals("10.65.0.1", TunnelKind.IPIP.withAddress(both, null).ipv4VXLANTunnelAddr());
    }

    @Test
    void vxlanMacIsFilledOnlyWhenUnset() {
        Node.Spec filled = TunnelKind.fillVxlanMac("66:00:00:00:00:01").apply(gold.spec());
        assertEquals("66:00:00:00:00:01", filled.vxlanTunnelMACAddr());
        Node.Spec own = node("n1", null, "vxlanTunnelMACAddr: '66:00:00:00:00:99'").spec();
        assertEquals("66:00:00:00:00:99", TunnelKind.fillVxlanMac("66:00:00:00:00:01").apply(own).vxlanTunnelMACAddr());
    }

    @Test
    void threadsNameTheKind() {
        assertEquals("tabby-vxlan-tunnel-addr", TunnelKind.VXLAN.threadName());
        assertEquals("tabby-ipip-tunnel-addr", TunnelKind.IPIP.threadName());
    }
}
