package dev.tabby.renderer.flows;

/** What a flow record aggregates over: who talked to whom on which port, and which verdict of which policy. */
record FlowKey(String srcIp, String dstIp, int dstPort, int protocol, boolean allow, boolean ingress, String policy,
               int rule) {
}
