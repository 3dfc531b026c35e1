package dev.tabby.policy.calc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The two hashes Calico names things with, so Tabby's chains and sets carry the names Felix would give them. */
public final class Hashes {
    private Hashes() {
    }

    /**
     * libcalico-go lib/hash/unique_id.go MakeUniqueID: {@code prefix + ":" + base64url(SHA-224(prefix + ":" + content))},
     * unpadded. Selector IP set IDs are {@code MakeUniqueID("s", selector.String())} (lib/selector/parser/ast.go
     * UniqueID); named-port set IDs hash the selector ID with protocol and port name (felix calc/rule_scanner.go).
     */
    public static String uniqueId(String prefix, String content) {
        byte[] digest = digest("SHA-224", prefix + ":" + content);
        return prefix + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /**
     * felix hashutils/id.go GetLengthLimitedID: the prefix and suffix as they are when they fit; otherwise the prefix,
     * "_" and the start of base64url(SHA-256(suffix)), so the result is exactly {@code maxLength} long.
     */
    public static String lengthLimitedId(String fixedPrefix, String suffix, int maxLength) {
        int total = fixedPrefix.length() + suffix.length();
        if (total > maxLength || (total == maxLength && suffix.startsWith("_"))) {
            String hash = Base64.getUrlEncoder().withoutPadding().encodeToString(digest("SHA-256", suffix));
            return fixedPrefix + "_" + hash.substring(0, maxLength - 1 - fixedPrefix.length());
        }
        return fixedPrefix + suffix;
    }

    private static byte[] digest(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM; every Java 17 runtime has it", e);
        }
    }
}
