package dev.tabby.model.v3;

import dev.tabby.model.Ascii;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.validation.Problems;
import java.util.List;

/**
 * A BGP peering: which nodes ({@code node} or {@code nodeSelector}, all when neither) peer with whom (a
 * {@code peerIP} and {@code asNumber}, or the nodes matching {@code peerSelector}).
 */
public record BGPPeer(ObjectMeta metadata, Spec spec) implements Resource {

    public static final List<String> SOURCE_ADDRESSES = List.of("UseNodeIP", "None");

    public record Spec(
            String node,
            String peerIP,
            AsNumber asNumber,
            String nodeSelector,
            String peerSelector,
            Boolean keepOriginalNextHop,
            Password password,
            String sourceAddress) {
    }

    /** The TCP MD5 password, held in a Kubernetes secret; Tabby never stores the secret itself. */
    public record Password(SecretKeyRef secretKeyRef) {
    }

    /**
     * Kubernetes' SecretKeySelector (k8s.io/api core/v1), as v3.18's BGPPassword carries it: the secret's name, the
     * key in it, and whether the secret may be missing. Tabby keeps optional as written and does not act on it.
     */
    public record SecretKeyRef(String name, String key, Boolean optional) {
    }

    @Override
    public BGPPeer withMetadata(ObjectMeta m) {
        return new BGPPeer(m, spec);
    }

    @Override
    public BGPPeer validated(Problems p) {
        if (spec == null) {
            p.warn("is empty: accepted, as Calico accepts it, but it peers with nobody");
            return this;
        }
        if (spec.node != null && spec.nodeSelector != null) {
            p.error("node and nodeSelector are both set; use one: node names one node, nodeSelector picks several"
                    + " (Calico: Node field must be empty when NodeSelector is specified)");
        }
        if (spec.node != null) {
            Check.nameField(p.at("node"), spec.node);
        }
        Check.selector(p.at("nodeSelector"), spec.nodeSelector);
        Check.selector(p.at("peerSelector"), spec.peerSelector);
        // bgppeer.go: ASNumber is a uint32 with omitempty, so 0 is "not set" (validateBGPPeerSpec tests it against 0).
        AsNumber asNumber = spec.asNumber == null || spec.asNumber.isReserved() ? null : spec.asNumber;
        String peerIP = spec.peerIP;
        if (peerIP != null && spec.peerSelector != null) {
            p.error("peerIP and peerSelector are both set; use one: peerIP names one peer, peerSelector picks Calico nodes"
                    + " (Calico: PeerIP field must be empty when PeerSelector is specified)");
        } else if (peerIP == null && spec.peerSelector == null) {
            // Calico v3.18's validateBGPPeerSpec accepts it, so Tabby does, and says what it means.
            p.warn("has neither peerIP nor peerSelector: accepted, as Calico accepts it, but it peers with nobody");
        }
        if (peerIP != null) {
            peerIP = checkPeerIp(p.at("peerIP"), peerIP);
            if (asNumber == null) {
                p.at("asNumber").warn("is not set: accepted, as Calico v3.18 accepts it, but a peering needs the peer's"
                        + " AS number to come up");
            }
        }
        if (spec.peerSelector != null && asNumber != null) {
            p.at("asNumber").error("must not be set with peerSelector; the selected nodes' own AS numbers are used"
                    + " (Calico: ASNumber field must be empty when PeerSelector is specified)");
        }
        Check.oneOf(p.at("sourceAddress"), spec.sourceAddress, SOURCE_ADDRESSES, "sourceAddress");
        if (spec.password != null) {
            SecretKeyRef ref = spec.password.secretKeyRef;
            Problems at = p.at("password").at("secretKeyRef");
            if (ref == null) {
                at.error("is required: name the secret and key that hold the password");
            } else {
                Check.required(at.at("name"), ref.name);
                Check.required(at.at("key"), ref.key);
            }
        }
        return new BGPPeer(metadata, new Spec(spec.node, peerIP, asNumber, spec.nodeSelector, spec.peerSelector,
                spec.keepOriginalNextHop, spec.password, spec.sourceAddress));
    }

    /** An address with an optional port: {@code 10.0.0.1}, {@code 10.0.0.1:1179}, {@code [fd00::1]:1179}. */
    private static String checkPeerIp(Problems p, String value) {
        String host = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || (close + 1 < value.length() && value.charAt(close + 1) != ':')) {
                p.error("\"" + value + "\" is not an address; expected IP, IP:port or [IPv6]:port" + PEER_IP_TAG);
                return value;
            }
            host = value.substring(1, close);
            port = close + 1 < value.length() ? value.substring(close + 2) : null;
        } else if (value.chars().filter(c -> c == ':').count() == 1) {
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        try {
            String canonical = IpAddress.parse(host).toString();
            if (port != null) {
                int n = Ascii.isDigits(port) && port.length() < 6
                        ? Integer.parseInt(port) : -1;
                if (n < 1 || n > 65535) {
                    p.error("\"" + value + "\": port \"" + port + "\" is not allowed; allowed: 1..65535" + PEER_IP_TAG);
                    return value;
                }
                return canonical.contains(":") ? "[" + canonical + "]:" + n : canonical + ":" + n;
            }
            return canonical;
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage() + PEER_IP_TAG);
            return value;
        }
    }

    private static final String PEER_IP_TAG = " (Calico: failed to validate field because of tag: IP:port)";
}
