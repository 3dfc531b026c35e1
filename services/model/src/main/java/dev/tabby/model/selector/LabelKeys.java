package dev.tabby.model.selector;

/**
 * Label-key syntax. The scanner takes a key as a run of the characters Calico's tokenizer accepts
 * ({@code [A-Za-z0-9_./-]}); {@link #check} then applies the Kubernetes qualified-name rules that
 * label keys must obey anyway, so a typo is reported at the exact offending character instead of
 * producing a selector that can never match.
 *
 * <pre>
 *   key    := [prefix '/'] name
 *   prefix := DNS-1123 subdomain: dot-separated [a-z0-9-] labels, each starting and ending with
 *             [a-z0-9]; at most 253 characters
 *   name   := [A-Za-z0-9._-], starting and ending with [A-Za-z0-9]; 1 to 63 characters
 * </pre>
 */
final class LabelKeys {

    static final int MAX_PREFIX_LENGTH = 253;
    static final int MAX_NAME_LENGTH = 63;
    private static final int MAX_ECHOED_KEY = 80;

    /** A problem with a key: {@code offset} is relative to the start of the key. */
    record Problem(int offset, String reason) {
    }

    private LabelKeys() {
    }

    /** True for the characters a label key is scanned from. */
    static boolean isKeyChar(int c) {
        return isAlphanumeric(c) || c == '_' || c == '.' || c == '/' || c == '-';
    }

    /** Returns the first (leftmost) problem with {@code key}, or {@code null} if it is valid. */
    static Problem check(String key) {
        int slash = key.indexOf('/');
        if (slash >= 0) {
            int second = key.indexOf('/', slash + 1);
            Problem prefixProblem = checkPrefix(key, slash);
            if (prefixProblem != null) {
                return prefixProblem;
            }
            if (second >= 0) {
                return problem(key, second, "more than one '/'");
            }
        }
        return checkName(key, slash + 1);
    }

    private static Problem checkPrefix(String key, int end) {
        if (end == 0) {
            return problem(key, 0, "empty prefix before '/'");
        }
        if (end > MAX_PREFIX_LENGTH) {
            return problem(key, 0, "prefix is longer than " + MAX_PREFIX_LENGTH + " characters");
        }
        int segmentStart = 0;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? key.charAt(i) : '.';
            if (c == '.') {
                if (i == segmentStart) {
                    return problem(key, i, "empty DNS label in prefix");
                }
                if (key.charAt(i - 1) == '-') {
                    return problem(key, i - 1, "DNS label in prefix must end with a letter or digit");
                }
                segmentStart = i + 1;
            } else if (!isLowerAlphanumeric(c) && c != '-') {
                return problem(key, i,
                        "prefix must be a lowercase DNS subdomain, '" + c + "' is not allowed");
            } else if (c == '-' && i == segmentStart) {
                return problem(key, i, "DNS label in prefix must start with a letter or digit");
            }
        }
        return null;
    }

    private static Problem checkName(String key, int start) {
        int length = key.length() - start;
        if (length == 0) {
            return problem(key, start, "empty name after '/'");
        }
        if (!isAlphanumeric(key.charAt(start))) {
            return problem(key, start, "name must start with a letter or digit");
        }
        for (int i = start + 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!isAlphanumeric(c) && c != '.' && c != '_' && c != '-') {
                return problem(key, i, "'" + c + "' is not allowed in a name");
            }
        }
        if (!isAlphanumeric(key.charAt(key.length() - 1))) {
            return problem(key, key.length() - 1, "name must end with a letter or digit");
        }
        if (length > MAX_NAME_LENGTH) {
            return problem(key, start, "name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return null;
    }

    private static Problem problem(String key, int offset, String detail) {
        // Cap what is echoed: the reason should stay readable even for an absurdly long key.
        String shown = key.length() <= MAX_ECHOED_KEY ? key : key.substring(0, MAX_ECHOED_KEY) + "...";
        return new Problem(offset, "invalid label key '" + shown + "': " + detail);
    }

    private static boolean isLowerAlphanumeric(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAlphanumeric(int c) {
        return isLowerAlphanumeric(c) || (c >= 'A' && c <= 'Z');
    }
}
