package dev.tabby.probe.net;

/**
 * A firewall rule (or chain policy) that drops a {@link Traffic}.
 *
 * @param source  where the rules came from: {@code iptables-legacy}, {@code nft}, ...
 * @param where   table and chain, e.g. {@code filter/INPUT} or {@code inet filter/input}
 * @param rule    the rule as listed, or {@code policy DROP}
 * @param certain false when the rule has conditions the probe cannot evaluate (addresses, interfaces, sets), or an
 *                earlier such rule might accept the traffic first
 */
public record Blocking(String source, String where, String rule, boolean certain, Traffic traffic) {

    public String describe() {
        return (certain ? "" : "may be ") + "dropped by " + source + " " + where + ": " + rule;
    }
}
