package dev.tabby.policy.explain;

import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Protocol;

/**
 * The first packet of the flow as a rule sees it: addresses and what the operator said of the rest. The source port
 * is never known.
 */
record Packet(IpAddress src, IpAddress dst, Protocol protocol, Integer dstPort, Integer icmpType, Integer icmpCode) {

    int version() {
        return src.version();
    }

    static Packet of(Flow flow, IpAddress workloadIp) {
        boolean egress = flow.direction() == Flow.Direction.EGRESS;
        return new Packet(egress ? workloadIp : flow.peer(), egress ? flow.peer() : workloadIp, flow.protocol(),
                flow.port(), flow.icmpType(), flow.icmpCode());
    }
}
