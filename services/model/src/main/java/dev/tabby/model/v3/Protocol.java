package dev.tabby.model.v3;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tabby.model.Ascii;
import java.util.List;

/**
 * An IP protocol as Calico writes it: by name (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite) or by number 1..255.
 * Names are matched without regard to case and kept in Calico's spelling.
 */
public record Protocol(String name, int number) {
    public static final List<String> NAMES = List.of("TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite");
    private static final int[] NUMBERS = {6, 17, 1, 58, 132, 136};

    public static final Protocol TCP = new Protocol("TCP", 6);
    public static final Protocol UDP = new Protocol("UDP", 17);

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Protocol from(Object raw) {
        if (raw instanceof Integer i) {
            if (i < 1 || i > 255) {
                throw new IllegalArgumentException(i + " is not a protocol number; " + ALLOWED
                        + (i == 0 ? " (Calico: protocol number invalid)" : " (Calico: cannot unmarshal number " + i
                        + " into a uint8)"));
            }
            return new Protocol(null, i);
        }
        if (raw instanceof String s) {
            // In a manifest a name must be written exactly: numorstring keeps "tcp" as written and validator.go
            // validateProtocol refuses it.
            Protocol p;
            try {
                p = parse(s);
            } catch (IllegalArgumentException e) {
                // numorstring: "0" parses as the number 0 ("protocol number invalid"); anything else is a name.
                throw new IllegalArgumentException(e.getMessage() + (s.matches("0+") ? " (Calico: protocol number"
                        + " invalid)" : " (Calico: protocol name invalid)"));
            }
            if (p.name != null && !p.name.equals(s)) {
                throw new IllegalArgumentException("\"" + s + "\" is not a protocol; write " + p.name + " ("
                        + ALLOWED + ") (Calico: protocol name invalid)");
            }
            return p;
        }
        throw new IllegalArgumentException(AsNumber.describe(raw) + " is not a protocol; " + ALLOWED);
    }

    private static final String ALLOWED = "allowed: TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1..255";

    /** Names matched without regard to case, for operators' command lines and iptables output. */
    public static Protocol parse(String s) {
        for (int i = 0; i < NAMES.size(); i++) {
            if (NAMES.get(i).equalsIgnoreCase(s)) {
                return new Protocol(NAMES.get(i), NUMBERS[i]);
            }
        }
        if (s.length() <= 3 && Ascii.isDigits(s)) {
            int n = Integer.parseInt(s);
            if (n < 1 || n > 255) {
                throw new IllegalArgumentException(n + " is not a protocol number; " + ALLOWED);
            }
            return new Protocol(null, n);
        }
        throw new IllegalArgumentException("\"" + s + "\" is not a protocol; " + ALLOWED);
    }

    /**
     * Protocols that have ports (the kernel's view, UDPLite included). Calico's validator allows rule and endpoint
     * ports only with TCP, UDP and SCTP: see RuleCheck.supportsPorts.
     */
    public boolean hasPorts() {
        return number == 6 || number == 17 || number == 132 || number == 136;
    }

    public boolean isIcmpV4() {
        return number == 1;
    }

    public boolean isIcmpV6() {
        return number == 58;
    }

    @JsonValue
    public Object json() {
        return name != null ? name : (Object) number;
    }

    @Override
    public String toString() {
        return String.valueOf(json());
    }
}
