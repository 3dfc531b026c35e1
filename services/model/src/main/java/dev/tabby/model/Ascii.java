package dev.tabby.model;

/**
 * ASCII character classes, as Go's parsers see them. Calico reads numbers with {@code strconv.Atoi} /
 * {@code ParseUint} and addresses with {@code net.ParseIP}, which take '0'-'9' only; Java's
 * {@code Character.isDigit} and {@code Integer.parseInt} also take other scripts' digits ("١٢" is 12 to them), so
 * every number Tabby reads from outside is checked here before it is parsed. Loops, not streams: these run for every
 * value a service lists.
 */
public final class Ascii {
    private Ascii() {
    }

    /** '0'-'9'. */
    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether {@code s} is one or more ASCII digits. */
    public static boolean isDigits(String s) {
        return !s.isEmpty() && isDigits(s, 0, s.length());
    }

    /** Whether every char of {@code s[from, to)} is an ASCII digit (true when the range is empty). */
    public static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** '0'-'9', 'a'-'f', 'A'-'F'. */
    public static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** 'a'-'z', 'A'-'Z', '0'-'9'. */
    public static boolean isAlnum(char c) {
        return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
    }

    /** 'a'-'z', '0'-'9'. */
    public static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || isDigit(c);
    }
}
