package dev.tabby.ipam.model;

import dev.tabby.model.net.Cidr;
import java.util.Optional;

/**
 * Where Calico keeps IPAM in etcd (libcalico-go's etcdv3 backend), and how to read a key back:
 * <pre>
 * /calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26          an AllocationBlock
 * /calico/ipam/v2/assignment/ipv6/block/fd00::-122           (the CIDR with its '/' turned into '-')
 * /calico/ipam/v2/handle/&lt;handle id&gt;                         an IPAMHandle
 * /calico/ipam/v2/host/&lt;node&gt;/ipv4/block/10.0.0.0-26         a BlockAffinity
 * /calico/ipam/v2/config                                     the IPAMConfig
 * </pre>
 */
public final class IpamKeys {
    public static final String ROOT = "/calico/ipam/v2/";
    public static final String BLOCKS = ROOT + "assignment/";
    public static final String HANDLES = ROOT + "handle/";
    public static final String HOSTS = ROOT + "host/";
    public static final String CONFIG = ROOT + "config";

    private IpamKeys() {
    }

    /** The block directory of one IP version ({@code 4} or {@code 6}), or of both ({@code 0}). */
    public static String blockPrefix(int version) {
        return version == 0 ? BLOCKS : BLOCKS + "ipv" + version + "/block/";
    }

    public static String block(Cidr cidr) {
        return blockPrefix(cidr.version()) + keyPart(cidr);
    }

    public static String handle(String handleId) {
        return HANDLES + requireHandle(handleId);
    }

    public static String affinity(String node, Cidr cidr) {
        return affinityPrefix(node, cidr.version()) + keyPart(cidr);
    }

    /** A node's affinities of one IP version, or of both ({@code 0}). */
    public static String affinityPrefix(String node, int version) {
        String base = HOSTS + requireNode(node) + "/";
        return version == 0 ? base : base + "ipv" + version + "/block/";
    }

    /** The block CIDR named by a block key, if it is one. */
    public static Optional<Cidr> parseBlock(String key) {
        if (!key.startsWith(BLOCKS)) {
            return Optional.empty();
        }
        String rest = key.substring(BLOCKS.length());
        String[] parts = rest.split("/", -1);
        if (parts.length != 3 || !parts[1].equals("block")) {
            return Optional.empty();
        }
        return parseKeyPart(parts[2]).filter(c -> ("ipv" + c.version()).equals(parts[0]));
    }

    /** A host affinity key read back: which node, which block. */
    public record AffinityKey(String node, Cidr cidr) {
    }

    public static Optional<AffinityKey> parseAffinity(String key) {
        if (!key.startsWith(HOSTS)) {
            return Optional.empty();
        }
        String[] parts = key.substring(HOSTS.length()).split("/", -1);
        if (parts.length != 4 || parts[0].isEmpty() || !parts[2].equals("block")) {
            return Optional.empty();
        }
        return parseKeyPart(parts[3]).filter(c -> ("ipv" + c.version()).equals(parts[1]))
                .map(c -> new AffinityKey(parts[0], c));
    }

    public static Optional<String> parseHandle(String key) {
        if (!key.startsWith(HANDLES)) {
            return Optional.empty();
        }
        String id = key.substring(HANDLES.length());
        return id.isEmpty() || id.contains("/") ? Optional.empty() : Optional.of(id);
    }

    /** {@code 10.0.0.0/26} as it appears in a key: {@code 10.0.0.0-26}. */
    public static String keyPart(Cidr cidr) {
        return cidr.address() + "-" + cidr.prefixLength();
    }

    private static Optional<Cidr> parseKeyPart(String part) {
        int dash = part.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            Cidr cidr = Cidr.parse(part.substring(0, dash) + "/" + part.substring(dash + 1));
            return cidr.isCanonical() ? Optional.of(cidr) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Handle ids become one key segment: anything but empty or containing '/'. */
    public static String requireHandle(String handleId) {
        if (handleId == null || handleId.isBlank() || handleId.contains("/")) {
            throw new IllegalArgumentException("handle id \"" + handleId
                    + "\" is not usable: it must be non-empty and contain no '/', e.g. k8s-pod-network.<container id>");
        }
        return handleId;
    }

    /** Node names become one key segment too. */
    public static String requireNode(String node) {
        if (node == null || node.isBlank() || node.contains("/")) {
            throw new IllegalArgumentException("node name \"" + node
                    + "\" is not usable: it must be non-empty and contain no '/'");
        }
        return node;
    }
}
