package dev.tabby.dataplane.iptables;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code cali:<hash>} comment on every rule Tabby writes, computed exactly as Felix v3.18 does (iptables/rules.go
 * Chain.RuleHashes): start from sha224(chain name); for each rule, sha224(previous hash bytes + rule rendered as
 * {@code -A <chain> HASH <rule>}); keep the first 16 characters of the unpadded base64url encoding. Chaining makes a
 * rule's hash depend on its position and on every rule above it, so comparing hash lists finds any change.
 */
public final class RuleHashes {
    /** Felix iptables.HashLength. */
    public static final int LENGTH = 16;
    /** Felix's rule-tracking comment prefix (config IptablesMarkMask aside, always "cali:"). */
    public static final String PREFIX = "cali:";

    private RuleHashes() {
    }

    /**
     * The hashes of {@code rules} (match and action text, as given to iptables-restore after the chain name) in
     * chain {@code chain}. Felix renders a rule for hashing with the placeholder "HASH" where the comment goes.
     */
    public static List<String> of(String chain, List<String> rules) {
        MessageDigest sha = sha224();
        byte[] hash = sha.digest(chain.getBytes(StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>(rules.size());
        for (String rule : rules) {
            sha.reset();
            sha.update(hash);
            String rendered = rule.isEmpty() ? "-A " + chain + " HASH" : "-A " + chain + " HASH " + rule;
            hash = sha.digest(rendered.getBytes(StandardCharsets.UTF_8));
            out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, LENGTH));
        }
        return out;
    }

    private static MessageDigest sha224() {
        try {
            return MessageDigest.getInstance("SHA-224");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-224, which every Java 17 runtime must provide", e);
        }
    }
}
