package dev.tabby.renderer.flows;

/**
 * The {@link FlowKey} of a logged packet, found again by its fields rather than made per packet: a node's packets fall
 * into few records (its endpoints, their peers' addresses, their ports and the policies that decided), and one key
 * object per kept packet was the NFLOG reader's largest garbage after the decoding itself. Direct-mapped: a slot holds
 * the last key that hashed to it, so a flood of distinct keys costs one key each, as before, and no memory grows.
 * Keys are immutable values, so one may be handed out in any interval. Not thread-safe: the NFLOG reader's thread owns
 * it.
 */
final class FlowKeys {
    private static final int SLOTS = 1024;

    private final FlowKey[] keys = new FlowKey[SLOTS];

    /**
     * The key of these fields; {@code src}, {@code dst} and {@code policy} are compared by identity first, as the
     * readers hand out one String per address and policy ({@link AddressTexts}).
     */
    FlowKey of(String src, String dst, int dstPort, int protocol, boolean allow, boolean ingress, String policy,
               int rule) {
        int h = src.hashCode();
        h = h * 31 + dst.hashCode();
        h = h * 31 + dstPort;
        h = h * 31 + protocol;
        h = h * 31 + policy.hashCode();
        h = h * 31 + rule;
        h = h * 4 + (allow ? 2 : 0) + (ingress ? 1 : 0);
        int i = (h ^ (h >>> 16)) * 0x9E3779B1 >>> 22;
        FlowKey k = keys[i];
        if (k != null && k.dstPort() == dstPort && k.rule() == rule && k.protocol() == protocol && k.allow() == allow
                && k.ingress() == ingress && same(k.srcIp(), src) && same(k.dstIp(), dst) && same(k.policy(), policy)) {
            return k;
        }
        k = new FlowKey(src, dst, dstPort, protocol, allow, ingress, policy, rule);
        keys[i] = k;
        return k;
    }

    private static boolean same(String a, String b) {
        return a == b || a.equals(b);
    }
}
