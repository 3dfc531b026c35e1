package dev.tabby.ctl.events;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A duration written as Go's time.ParseDuration reads it (Go src/time/format.go), the form Calico's settings and
 * calicoctl use: a sequence of decimal numbers, each with an optional fraction and a unit, e.g. {@code 300ms},
 * {@code 1.5h}, {@code 2h45m}; units ns, us (or µs), ms, s, m, h; a lone {@code 0} needs no unit. Go has no day unit.
 */
public final class GoDuration {
    private static final String FORMS = "Go durations: 30s, 10m, 1h30m; units ns, us, ms, s, m, h";

    private GoDuration() {
    }

    /** @throws IllegalArgumentException in the words of Go's errors, e.g. {@code unknown unit "d" in duration "1d"} */
    public static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            // Go accepts "1." and ".5" but not "." alone or two points.
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("missing unit in duration \"" + text + "\" (" + FORMS + ")");
            }
            nanos = nanos.add(new BigDecimal(number.endsWith(".") ? number + "0" : number)
                    .multiply(BigDecimal.valueOf(nanosPer(unit, text))));
        }
        // Go's Duration is an int64 of nanoseconds: about 290 years.
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw invalid(text);
        }
        long n = nanos.longValue();
        return Duration.ofNanos(negative ? -n : n);
    }

    private static long nanosPer(String unit, String text) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + text
                    + "\" (" + FORMS + ")");
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration \"" + text + "\" (" + FORMS + ")");
    }
}
