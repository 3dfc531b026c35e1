package dev.tabby.model.v3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A BGP AS number, 1..4294967295, written as a plain number ({@code 64512}) or in asdot notation
 * ({@code "1.10"} = 1 * 65536 + 10) as calicoctl accepts. Always written back as a plain number.
 */
public record AsNumber(long value) {
    public static final long MAX = 4294967295L;

    public AsNumber {
        if (value < 1 || value > MAX) {
            throw new IllegalArgumentException(value + " is not a valid AS number; allowed: 1..4294967295 or asdot 0.1..65535.65535");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static AsNumber from(Object raw) {
        if (raw instanceof Integer || raw instanceof Long) {
            return new AsNumber(((Number) raw).longValue());
        }
        if (raw instanceof String s) {
            return parse(s);
        }
        throw new IllegalArgumentException(describe(raw) + " is not a valid AS number; allowed: 1..4294967295 or asdot \"1.10\"");
    }

    public static AsNumber parse(String s) {
        String bad = "\"" + s + "\" is not a valid AS number; allowed: 1..4294967295 or asdot \"1.10\"";
        int dot = s.indexOf('.');
        try {
            if (dot < 0) {
                if (!s.chars().allMatch(Character::isDigit) || s.isEmpty() || s.length() > 10) {
                    throw new IllegalArgumentException(bad);
                }
                return new AsNumber(Long.parseLong(s));
            }
            String hi = s.substring(0, dot);
            String lo = s.substring(dot + 1);
            if (hi.isEmpty() || lo.isEmpty() || hi.length() > 5 || lo.length() > 5
                    || !hi.chars().allMatch(Character::isDigit) || !lo.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException(bad);
            }
            long h = Long.parseLong(hi);
            long l = Long.parseLong(lo);
            if (h > 65535 || l > 65535) {
                throw new IllegalArgumentException(bad);
            }
            return new AsNumber(h * 65536 + l);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad);
        }
    }

    static String describe(Object raw) {
        return raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw);
    }

    @JsonValue
    public long value() {
        return value;
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
