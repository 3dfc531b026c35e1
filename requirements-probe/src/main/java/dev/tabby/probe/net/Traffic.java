package dev.tabby.probe.net;

/**
 * A kind of packet whose fate in the host firewall the probe asks about: new traffic of a protocol to a port,
 * arriving at this host (from a peer, never on lo) or leaving it for a peer.
 *
 * @param port destination port; 0 for IP-in-IP, which has none
 */
public record Traffic(Protocol protocol, int port, Direction direction, Family family) {

    public enum Protocol {
        TCP("tcp", 6), UDP("udp", 17), IPIP("ipip", 4);

        public final String name;
        public final int number;

        Protocol(String name, int number) {
            this.name = name;
            this.number = number;
        }
    }

    public enum Direction {
        IN("INPUT", "input"), OUT("OUTPUT", "output");

        /** The iptables chain and the nftables hook this traffic passes. */
        public final String chain;
        public final String hook;

        Direction(String chain, String hook) {
            this.chain = chain;
            this.hook = hook;
        }
    }

    public enum Family { V4, V6 }

    /** {@code incoming TCP 179 (IPv4)}. */
    public String describe() {
        String what = protocol == Protocol.IPIP ? "IP-in-IP (protocol 4)" : protocol.name.toUpperCase() + " " + port;
        return (direction == Direction.IN ? "incoming " : "outgoing ") + what + (family == Family.V6 ? " (IPv6)" : "");
    }
}
