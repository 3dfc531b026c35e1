package dev.tabby.policy.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The {@code --nflog-prefix} of Tabby's flow-log rules: which verdict a logged packet got, in at most 63 bytes (the
 * kernel's NFLOG prefix is 64 bytes with its NUL). Felix OSS v3.18 renders no NFLOG rule; this format is Tabby's own.
 *
 * <p>Format: {@code tabby:<A|D>:<rule>:<policy id>}, e.g. {@code tabby:D:2:k3v9q0a7m1c4}: A for allow, D for deny;
 * the rule's index in the policy's rules for that direction ({@code -1} for an implicit verdict: end of tier, end of
 * profiles); the policy id, the first 12 characters of the lower-case base32hex SHA-256 of the policy's flow-log name
 * ({@link FlowPolicyNames}). Policy names may be 253 characters, so the name itself never travels in the prefix: the
 * renderer keeps the id -> name map of the policies it rendered. The direction is the NFLOG group, not the prefix.
 */
public record VerdictPrefix(boolean allow, int rule, String policyId) {
    public static final String MAGIC = "tabby";
    /** The kernel's limit (NFLOG's prefix, 64 bytes with the terminating NUL). */
    public static final int MAX_LENGTH = 63;
    public static final int ID_LENGTH = 12;
    private static final String BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

    public VerdictPrefix {
        if (rule < -1) {
            throw new IllegalArgumentException("verdict rule index must be -1 (implicit) or more, was " + rule);
        }
        if (policyId == null || !policyId.matches("[0-9a-v]{" + ID_LENGTH + "}")) {
            throw new IllegalArgumentException("verdict policy id must be " + ID_LENGTH + " base32hex characters, was "
                    + policyId);
        }
    }

    /** The verdict of {@code policyName}'s rule {@code rule} ({@code -1}: implicit). */
    public static VerdictPrefix of(boolean allow, int rule, String policyName) {
        return new VerdictPrefix(allow, rule, idOf(policyName));
    }

    public String encode() {
        return MAGIC + ":" + (allow ? "A" : "D") + ":" + rule + ":" + policyId;
    }

    /**
     * The verdict a prefix names; IllegalArgumentException (one line, quoting the prefix) when it is not one of
     * Tabby's, e.g. another program's NFLOG rule logging into the same group.
     */
    public static VerdictPrefix decode(String prefix) {
        String[] parts = prefix == null ? new String[0] : prefix.split(":", -1);
        if (parts.length != 4 || !parts[0].equals(MAGIC) || !(parts[1].equals("A") || parts[1].equals("D"))) {
            throw new IllegalArgumentException("NFLOG prefix \"" + prefix
                    + "\" is not Tabby's tabby:<A|D>:<rule>:<policy id>; is another program logging into Tabby's group?");
        }
        int rule;
        try {
            rule = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("NFLOG prefix \"" + prefix + "\" has no rule index: " + parts[2]);
        }
        return new VerdictPrefix(parts[1].equals("A"), rule, parts[3]);
    }

    /** The policy id of a flow-log policy name: stable across restarts and nodes, so ids never need handing out. */
    public static String idOf(String policyName) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(policyName.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM; every Java 17 runtime has it", e);
        }
        StringBuilder out = new StringBuilder(ID_LENGTH);
        long bits = 0;
        int have = 0;
        for (int i = 0; out.length() < ID_LENGTH; i++) {
            bits = (bits << 8) | (d[i] & 0xff);
            have += 8;
            while (have >= 5 && out.length() < ID_LENGTH) {
                have -= 5;
                out.append(BASE32HEX.charAt((int) ((bits >> have) & 31)));
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
