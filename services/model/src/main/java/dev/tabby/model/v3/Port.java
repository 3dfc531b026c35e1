package dev.tabby.model.v3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tabby.model.Ascii;

/**
 * A rule port as Calico writes it: a number ({@code 80}), a range ({@code "8000:8080"}) or a named port
 * ({@code "http"}, resolved against the endpoint's named ports).
 */
public record Port(int min, int max, String name) {

    public static Port number(int port) {
        return new Port(port, port, null);
    }

    public static Port range(int min, int max) {
        return new Port(min, max, null);
    }

    public static Port named(String name) {
        return new Port(0, 0, name);
    }

    public boolean isNamed() {
        return name != null;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Port from(Object raw) {
        if (raw instanceof Integer i) {
            return number(checkPort(i, String.valueOf(i), "cannot unmarshal number " + i + " into a uint16"));
        }
        if (raw instanceof String s) {
            return parse(s);
        }
        throw new IllegalArgumentException(AsNumber.describe(raw) + " is not a port; " + ALLOWED);
    }

    private static final String ALLOWED = "allowed: 1..65535, a range \"min:max\", or a named port";

    /** As numorstring PortFromString and validator.go validatePort read a port written as a string. */
    public static Port parse(String s) {
        if (Ascii.isDigits(s)) {
            return number(checkPort(parseInt(s), s, "invalid port format (" + s + ")"));
        }
        int colon = s.indexOf(':');
        if (colon > 0 && Ascii.isDigits(s, 0, colon)) {
            String lo = s.substring(0, colon);
            String hi = s.substring(colon + 1);
            if (!Ascii.isDigits(hi)) {
                throw new IllegalArgumentException("\"" + s + "\" is not a port range; expected \"min:max\", e.g."
                        + " \"8000:8080\" (Calico: invalid name for named port (" + s + "))");
            }
            int min = checkPort(parseInt(lo), s, "invalid minimum port number in range (" + s + ")");
            int max = checkPort(parseInt(hi), s, "invalid maximum port number in range (" + s + ")");
            if (min > max) {
                throw new IllegalArgumentException("\"" + s + "\": range start " + min + " is above its end " + max
                        + " (Calico: minimum port number (" + min + ") is greater than maximum port number (" + max
                        + ") in port range)");
            }
            return range(min, max);
        }
        // libcalico-go release-v3.18 lib/numorstring/port.go nameRegex: what a rule may name a port.
        if (!NameFormats.rulePortName(s)) {
            throw new IllegalArgumentException("\"" + s + "\" is not a port; " + ALLOWED
                    + " (1..128 letters, digits, '_', '.' and '-') (Calico: invalid name for named port (" + s + "))");
        }
        return named(s);
    }

    private static int parseInt(String digits) {
        // More than 6 digits cannot be a port; keep Integer.parseInt away from overflow.
        return digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    private static int checkPort(int p, String text, String calicoReason) {
        if (p < 1) {
            throw new IllegalArgumentException(text + " is not a valid port; " + ALLOWED
                    + " (Calico: port range invalid, port number must be between 1 and 65535)");
        }
        if (p > 65535) {
            throw new IllegalArgumentException(text + " is not a valid port; " + ALLOWED + " (Calico: " + calicoReason + ")");
        }
        return p;
    }

    @JsonValue
    public Object json() {
        if (name != null) {
            return name;
        }
        return min == max ? (Object) min : min + ":" + max;
    }

    @Override
    public String toString() {
        return String.valueOf(json());
    }
}
