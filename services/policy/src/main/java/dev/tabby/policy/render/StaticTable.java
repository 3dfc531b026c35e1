package dev.tabby.policy.render;

import java.util.List;

/**
 * Tabby's fixed part of one iptables table for one IP version: its {@code cali-} chains and the rules it puts in the
 * table's built-in chains (felix dataplane/linux/int_dataplane.go setUpIptablesNormal).
 *
 * @param table  raw, mangle, filter or nat
 * @param chains the static chains, in Felix's order
 * @param hooks  per built-in chain, the rules at its top and (filter FORWARD only) at its end
 */
public record StaticTable(String table, int ipVersion, List<Chain> chains, List<Hook> hooks) {

    public StaticTable {
        chains = List.copyOf(chains);
        hooks = List.copyOf(hooks);
    }

    /**
     * @param builtIn the built-in chain, e.g. INPUT
     * @param insert  rules Felix inserts at the top (ChainInsertMode Insert, its default), in order
     * @param append  rules Felix appends at the end (StaticFilterForwardAppendRules), in order
     */
    public record Hook(String builtIn, List<IptRule> insert, List<IptRule> append) {
        public Hook {
            insert = List.copyOf(insert);
            append = List.copyOf(append);
        }
    }

    /** The chain called {@code name}, or null. */
    public Chain chain(String name) {
        for (Chain c : chains) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
