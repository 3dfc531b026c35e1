package dev.tabby.renderer.flows;

/**
 * What a flow record aggregates over: who talked to whom on which port, and which verdict of which policy.
 *
 * <p>equals and hashCode written out: the NFLOG reader hashes and compares a key several times per logged packet,
 * and a record's generated ones go through an invokedynamic bootstrap that C1 (the services run without C2,
 * images/jvm/service.args) does not inline. The Strings cache their own hashes.
 */
record FlowKey(String srcIp, String dstIp, int dstPort, int protocol, boolean allow, boolean ingress, String policy,
               int rule) {
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof FlowKey k && k.dstPort == dstPort && k.rule == rule && k.protocol == protocol
                && k.allow == allow && k.ingress == ingress && k.srcIp.equals(srcIp) && k.dstIp.equals(dstIp)
                && k.policy.equals(policy);
    }

    @Override
    public int hashCode() {
        int h = srcIp.hashCode();
        h = h * 31 + dstIp.hashCode();
        h = h * 31 + dstPort;
        h = h * 31 + protocol;
        h = h * 31 + (allow ? 1 : 0);
        h = h * 31 + (ingress ? 1 : 0);
        h = h * 31 + policy.hashCode();
        return h * 31 + rule;
    }
}
