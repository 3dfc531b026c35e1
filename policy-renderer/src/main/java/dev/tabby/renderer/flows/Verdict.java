package dev.tabby.renderer.flows;

/**
 * One logged first packet, decoded: the verdict a policy rule gave it and its five-tuple.
 *
 * @param ingress whether the verdict was on traffic to the endpoint (its NFLOG group says so)
 * @param policy  the flow-log policy name ({@code dev.tabby.policy.render.FlowPolicyNames})
 * @param rule    the rule's index, -1 for an implicit drop
 * @param length  the packet's IP length in bytes
 */
record Verdict(boolean ingress, boolean allow, String policy, int rule, ConnectionKey connection, int length) {
    FlowKey flow() {
        return new FlowKey(connection.src(), connection.dst(), connection.dstPort(), connection.protocol(), allow,
                ingress, policy, rule);
    }
}
