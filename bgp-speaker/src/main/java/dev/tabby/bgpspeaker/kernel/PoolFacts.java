package dev.tabby.bgpspeaker.kernel;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.IPPool;
import java.util.Optional;

/**
 * What the kernel programming filter reads of one IP pool: confd's {@code /v1/ipam/v4/pool/<cidr>} entry
 * ({@code cidr}, {@code ipip_mode}, {@code vxlan_mode}).
 *
 * @param cidr      the pool, canonical
 * @param ipipMode  {@code spec.ipipMode}
 * @param vxlanMode {@code spec.vxlanMode}
 * @param disabled  {@code spec.disabled}: kept for the record, but it changes nothing here, as in Calico
 *                  (bird_ipam.cfg.template never reads {@code disabled}: a disabled pool's routes are programmed as an
 *                  enabled pool's are)
 */
public record PoolFacts(Cidr cidr, EncapMode ipipMode, EncapMode vxlanMode, boolean disabled) {
    public PoolFacts {
        cidr = cidr.network();
        ipipMode = ipipMode == null ? EncapMode.NEVER : ipipMode;
        vxlanMode = vxlanMode == null ? EncapMode.NEVER : vxlanMode;
    }

    /** The pool's facts, or empty when its spec or CIDR is unusable (Calico's converter skips such a pool too). */
    public static Optional<PoolFacts> of(IPPool pool) {
        if (pool == null || pool.spec() == null || pool.spec().cidr() == null) {
            return Optional.empty();
        }
        Cidr cidr;
        try {
            cidr = Cidr.parse(pool.spec().cidr());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new PoolFacts(cidr, EncapMode.of(pool.spec().ipipMode()),
                EncapMode.of(pool.spec().vxlanMode()), Boolean.TRUE.equals(pool.spec().disabled())));
    }

    /** BIRD's {@code net ~ pool}: the prefix lies inside the pool (or is the pool). */
    public boolean holds(Cidr prefix) {
        return cidr.covers(prefix);
    }
}
