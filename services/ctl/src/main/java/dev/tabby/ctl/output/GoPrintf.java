package dev.tabby.ctl.output;

import dev.tabby.model.v3.AsNumber;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code printf} for templates, the verbs an operator formats a table with: {@code %v %s %d %t %q %f %x %%},
 * with the {@code -} and {@code 0} flags, a width and a precision ({@code %-20s}, {@code %.2f}). Go's in-band
 * complaints are kept: {@code %!d(string=x)} for a wrong type, {@code %!s(MISSING)}, {@code %!(EXTRA ...)}. Any
 * other verb is refused by name.
 */
final class GoPrintf {
    private GoPrintf() {
    }

    static String format(String pattern, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            boolean left = false;
            boolean zero = false;
            while (i < pattern.length() && (pattern.charAt(i) == '-' || pattern.charAt(i) == '0')) {
                left |= pattern.charAt(i) == '-';
                zero |= pattern.charAt(i) == '0';
                i++;
            }
            int width = -1;
            int start = i;
            while (i < pattern.length() && Character.isDigit(pattern.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = Integer.parseInt(pattern.substring(start, i));
            }
            int precision = -1;
            if (i < pattern.length() && pattern.charAt(i) == '.') {
                i++;
                start = i;
                while (i < pattern.length() && Character.isDigit(pattern.charAt(i))) {
                    i++;
                }
                precision = i > start ? Integer.parseInt(pattern.substring(start, i)) : 0;
            }
            if (i >= pattern.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = pattern.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if ("vsdtqfx".indexOf(verb) < 0) {
                throw new IllegalArgumentException("printf verb %" + verb + " is not supported by tabbyctl's go-template; "
                        + "use one of %v %s %d %t %q %f %x");
            }
            if (arg >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            String text = verb(verb, args.get(arg++), precision);
            out.append(pad(text, width, left, zero && !left && "dfx".indexOf(verb) >= 0));
        }
        if (arg < args.size()) {
            out.append("%!(EXTRA ");
            for (int a = arg; a < args.size(); a++) {
                out.append(a > arg ? ", " : "").append(typeName(args.get(a))).append('=').append(GoValues.print(args.get(a)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String verb(char verb, Object v, int precision) {
        switch (verb) {
            case 'v':
            case 's': {
                String s = GoValues.print(v);
                return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
            }
            case 'd':
                if (v instanceof Long || v instanceof Integer || v instanceof AsNumber) {
                    return GoValues.print(v);
                }
                return wrong('d', v);
            case 't':
                return v instanceof Boolean ? v.toString() : wrong('t', v);
            case 'q':
                return v instanceof String s ? quote(s) : wrong('q', v);
            case 'f':
                if (v instanceof Double d) {
                    return String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "f", d);
                }
                return wrong('f', v);
            default: // x
                if (v instanceof Long || v instanceof Integer) {
                    return Long.toHexString(((Number) v).longValue());
                }
                if (v instanceof String s) {
                    StringBuilder b = new StringBuilder();
                    for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        b.append(String.format("%02x", x & 0xff));
                    }
                    return b.toString();
                }
                return wrong('x', v);
        }
    }

    private static String wrong(char verb, Object v) {
        return "%!" + verb + "(" + typeName(v) + "=" + GoValues.print(v) + ")";
    }

    private static String typeName(Object v) {
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Number || v instanceof AsNumber) {
            return "int";
        }
        return v == null ? "<nil>" : "interface {}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String pad(String s, int width, boolean left, boolean zero) {
        int n = width - s.codePointCount(0, s.length());
        if (n <= 0) {
            return s;
        }
        if (left) {
            return s + " ".repeat(n);
        }
        if (zero) {
            boolean negative = s.startsWith("-");
            return (negative ? "-" : "") + "0".repeat(n) + (negative ? s.substring(1) : s);
        }
        return " ".repeat(n) + s;
    }
}
