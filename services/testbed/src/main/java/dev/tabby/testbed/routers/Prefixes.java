package dev.tabby.testbed.routers;

import dev.tabby.model.net.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Prefix checks shared by the routers: one spelling per network, so CLI output and requests compare equal. */
final class Prefixes {
    private Prefixes() {
    }

    /** The network in canonical form: host bits cleared, IPv6 in RFC 5952 text. */
    static String canonical(String prefix) {
        try {
            return Cidr.parse(prefix).network().toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prefix " + prefix + " is not a CIDR: " + e.getMessage(), e);
        }
    }

    static List<String> canonical(Collection<String> prefixes) {
        List<String> out = new ArrayList<>(prefixes.size());
        for (String p : prefixes) {
            out.add(canonical(p));
        }
        return out;
    }

    static List<String> ofFamily(Collection<String> prefixes, Afi afi) {
        return prefixes.stream().filter(p -> Afi.of(p) == afi).toList();
    }
}
