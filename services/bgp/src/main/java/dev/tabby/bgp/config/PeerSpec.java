package dev.tabby.bgp.config;

/**
 * The fields of a Calico v3.18 BGPPeer (libcalico-go lib/apis/v3/bgppeer.go) that decide sessions. Empty strings and
 * null both mean "unset"; asNumber null or 0 means unset. peerIP may carry a port as "ip:port" or "[ip6]:port".
 * sourceAddress is "UseNodeIP" (the default) or "None".
 */
public record PeerSpec(String name, String node, String nodeSelector, String peerIP, Long asNumber,
                       String peerSelector, boolean keepOriginalNextHop, String sourceAddress) {
    public PeerSpec {
        node = emptyIfNull(node);
        nodeSelector = emptyIfNull(nodeSelector);
        peerIP = emptyIfNull(peerIP);
        peerSelector = emptyIfNull(peerSelector);
        sourceAddress = sourceAddress == null || sourceAddress.isBlank() ? "UseNodeIP" : sourceAddress;
        asNumber = asNumber == null ? 0L : asNumber;
    }

    /** A peer by address: global when node and nodeSelector are both empty. */
    public static PeerSpec toAddress(String name, String node, String nodeSelector, String peerIP, Long asNumber) {
        return new PeerSpec(name, node, nodeSelector, peerIP, asNumber, "", false, null);
    }

    /** A peer with the Calico nodes a selector picks. */
    public static PeerSpec toNodes(String name, String node, String nodeSelector, String peerSelector) {
        return new PeerSpec(name, node, nodeSelector, "", null, peerSelector, false, null);
    }

    boolean global() {
        return node.isEmpty() && nodeSelector.isEmpty();
    }

    private static String emptyIfNull(String s) {
        return s == null ? "" : s.trim();
    }
}
