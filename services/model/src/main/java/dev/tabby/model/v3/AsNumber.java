package dev.tabby.model.v3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tabby.model.Ascii;

/**
 * A BGP AS number, 0..4294967295 (libcalico-go release-v3.18 lib/numorstring/asnumber.go: a uint32), written as a
 * plain number ({@code 64512}) or in asdot notation ({@code "1.10"} = 1 * 65536 + 10) as calicoctl accepts. Always
 * written back as a plain number. 0 is accepted as Calico accepts it; the kinds say what it means (unset on a BGPPeer;
 * elsewhere kept, with a warning: RFC 7607 reserves AS 0).
 */
public record AsNumber(long value) {
    public static final long MAX = 4294967295L;

    /** True for AS 0, which Calico's types accept and no BGP session can use (RFC 7607). */
    public boolean isReserved() {
        return value == 0;
    }

    public AsNumber {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException(value + " is not a valid AS number; allowed: 0..4294967295 or asdot"
                    + " 0.0..65535.65535 (Calico: cannot unmarshal " + value + " into a uint32)");
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
        throw new IllegalArgumentException(describe(raw) + " is not a valid AS number; allowed: 0..4294967295 or asdot"
                + " \"1.10\" (Calico: cannot unmarshal " + describe(raw) + " into an ASNumber)");
    }

    public static AsNumber parse(String s) {
        String bad = "\"" + s + "\" is not a valid AS number; allowed: 0..4294967295 or asdot \"1.10\" (Calico: invalid"
                + " AS Number format (" + s + "))";
        int dot = s.indexOf('.');
        try {
            if (dot < 0) {
                if (!Ascii.isDigits(s) || s.length() > 10) {
                    throw new IllegalArgumentException(bad);
                }
                return new AsNumber(Long.parseLong(s));
            }
            String hi = s.substring(0, dot);
            String lo = s.substring(dot + 1);
            if (hi.isEmpty() || lo.isEmpty() || hi.length() > 5 || lo.length() > 5
                    || !Ascii.isDigits(hi) || !Ascii.isDigits(lo)) {
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
