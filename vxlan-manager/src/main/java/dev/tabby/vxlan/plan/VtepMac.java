package dev.tabby.vxlan.plan;

import dev.tabby.model.v3.Node;
import dev.tabby.netlink.MacAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A node's VXLAN tunnel MAC, as Felix's VXLAN resolver works it out: {@code Node.spec.vxlanTunnelMACAddr} when set,
 * else 0x66 ("f": locally administered, unicast) followed by the first five bytes of sha1(node name). Every node
 * derives every other node's MAC the same way, so a MAC need not be published for the cluster to agree on it.
 */
public final class VtepMac {
    static final byte FIRST_BYTE = 0x66;

    private VtepMac() {
    }

    /** The MAC derived from the node name alone. */
    public static MacAddress derived(String nodeName) {
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-1").digest(nodeName.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1, which every Java platform must provide", e);
        }
        byte[] mac = new byte[6];
        mac[0] = FIRST_BYTE;
        System.arraycopy(sha, 0, mac, 1, 5);
        return MacAddress.of(mac);
    }

    /**
     * The node's tunnel MAC: the one set on the Node, else the derived one.
     *
     * @throws IllegalArgumentException the Node's vxlanTunnelMACAddr is not a MAC address
     */
    public static MacAddress of(Node node) {
        return of(node.name(), node.spec() == null ? null : node.spec().vxlanTunnelMACAddr());
    }

    /**
     * @param set the Node's {@code spec.vxlanTunnelMACAddr}, or null
     * @throws IllegalArgumentException {@code set} is not a MAC address
     */
    public static MacAddress of(String nodeName, String set) {
        return set == null || set.isBlank() ? derived(nodeName) : MacAddress.parse(set.trim());
    }
}
