package dev.tabby.ctl.output;

import dev.tabby.model.v3.AsNumber;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How Go's fmt prints a value with {@code %v}, the way calicoctl's table cells and go-templates show the Go structs
 * of libcalico-go: strings as they are, floats in Go's shortest form, slices as {@code [a b]}, maps as
 * {@code map[k:v]} in key order, structs as {@code {f1 f2}}, a nil pointer as {@code <nil>}.
 */
final class GoValues {
    /** A nil pointer of a Go field, e.g. an unset {@code *float64} order: printed {@code <nil>}, false in an if. */
    record Nil(String goType) {
    }

    /** What a missing map key gives in a Go template: printed {@code <no value>}, false in an if. */
    enum NoValue { INSTANCE }

    private GoValues() {
    }

    static String print(Object v) {
        if (v == null || v instanceof Nil) {
            return "<nil>";
        }
        if (v == NoValue.INSTANCE) {
            return "<no value>";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            return formatFloat(d);
        }
        if (v instanceof Float f) {
            return formatFloat(f.doubleValue());
        }
        if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
            return v.toString();
        }
        if (scalar(v)) {
            // Go's numorstring.ASNumber, Protocol and Port print through their String() methods.
            return v.toString();
        }
        if (v instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(e -> parts.add(print(e)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (v instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            sorted(map).forEach((k, e) -> parts.add(print(k) + ":" + print(e)));
            return "map[" + String.join(" ", parts) + "]";
        }
        if (v instanceof GoStructs.Struct s) {
            List<String> parts = new ArrayList<>();
            s.fieldValues().forEach(e -> parts.add(print(e)));
            return "{" + String.join(" ", parts) + "}";
        }
        return v.toString();
    }

    /** Go's truth in {@code if}, {@code and}, {@code or}, {@code not}: the zero value and empty things are false. */
    static boolean truth(Object v) {
        if (v == null || v instanceof Nil || v == NoValue.INSTANCE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        // Structs and non-nil pointers are always true.
        return true;
    }

    /** The types that are single values to Go (they have a String method), not structs to walk into. */
    static boolean scalar(Object v) {
        return v instanceof AsNumber || v instanceof Protocol || v instanceof Port;
    }

    /** Map entries in Go's printing order: by key. */
    static TreeMap<String, Object> sorted(Map<?, ?> map) {
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /**
     * A float64 as Go's {@code %v} prints it ({@code strconv.FormatFloat(f, 'g', -1, 64)}): the shortest digits that
     * read back to the same value, in exponent form when the exponent is below -4 or at least 6
     * ({@code 100}, {@code 0.5}, {@code 1e+06}, {@code 1.5e-05}).
     */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
        if (d == 0) {
            return sign + "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int exp = digits.length() - shortest.scale() - 1;
        if (exp < -4 || exp >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String e = Integer.toString(Math.abs(exp));
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + shortest.toPlainString();
    }

    /**
     * calicoctl's {@code joinAndTruncate} (common/printer.go): each item printed with %v (a map first turned into
     * sorted {@code k=v} items, a single value into a list of one), joined with the separator; when
     * {@code maxLen > 0} and the text grows past it, cut to {@code maxLen - 3} characters plus {@code ...}.
     */
    static String joinAndTruncate(Object items, String separator, int maxLen) {
        if (items == null || items instanceof Nil) {
            return "";
        }
        List<?> list;
        if (items instanceof Map<?, ?> map) {
            List<String> kv = new ArrayList<>();
            map.forEach((k, v) -> kv.add(print(k) + "=" + print(v)));
            kv.sort(null);
            list = kv;
        } else if (items instanceof List<?> l) {
            list = l;
        } else {
            list = List.of(items);
        }
        StringBuilder buf = new StringBuilder();
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                buf.append(separator);
            }
            buf.append(print(list.get(i)));
            if (maxLen > 0 && buf.length() > maxLen) {
                buf.setLength(Math.max(0, maxLen - 3));
                buf.append("...");
                break;
            }
        }
        return buf.toString();
    }
}
