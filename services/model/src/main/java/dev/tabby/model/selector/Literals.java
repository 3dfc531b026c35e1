package dev.tabby.model.selector;

import java.util.Comparator;

/** Formatting and ordering of string literals, shared by the AST printer and {@link ValueSet}. */
final class Literals {

    /**
     * Orders strings by Unicode code point. That is the same order as Go's byte-wise comparison of
     * UTF-8, which Calico uses to sort {@code in}/{@code not in} sets, so canonical forms agree with
     * Calico's even for characters outside the BMP (where plain {@link String#compareTo} differs).
     */
    static final Comparator<String> CODE_POINT_ORDER = Literals::compareCodePoints;

    private Literals() {
    }

    /**
     * Appends {@code value} as a selector string literal. The language has no escape sequences, so,
     * like Calico, a value containing {@code "} is written in single quotes and anything else in
     * double quotes. A value containing both quote characters cannot come out of the parser.
     */
    static void appendQuoted(StringBuilder out, String value) {
        char quote = value.indexOf('"') >= 0 ? '\'' : '"';
        out.append(quote).append(value).append(quote);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        // The shorter string (a prefix of the other) sorts first.
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
