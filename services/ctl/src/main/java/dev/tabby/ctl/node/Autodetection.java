package dev.tabby.ctl.node;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * calico-node's IP autodetection methods: {@code first-found}, {@code can-reach=DEST}, {@code interface=REGEX},
 * {@code skip-interface=REGEX}, {@code cidr=CIDR[,CIDR...]}. Pure: it chooses among the addresses it is given.
 */
public final class Autodetection {
    /** Interfaces first-found never picks, as calico-node excludes them: containers, tunnels, bridges. */
    static final List<Pattern> DEFAULT_EXCLUDES = List.of("^docker.*", "^cbr.*", "^dummy.*", "^virbr.*", "^lxcbr.*",
            "^veth.*", "^lo$", "^cali.*", "^tunl.*", "^flannel.*", "^kube-ipvs.*", "^cni.*", "^vxlan\\.calico.*",
            "^vxlan-v6\\.calico.*", "^wireguard\\.cali.*", "^br-.*").stream().map(Pattern::compile).toList();

    private final String method;

    private Autodetection(String method) {
        this.method = method;
    }

    /** Checks the method's syntax now, so a typo is reported before anything is read or written. */
    public static Autodetection parse(String method) {
        String m = method == null || method.isBlank() ? "first-found" : method.trim();
        Autodetection a = new Autodetection(m);
        if (m.equals("first-found")) {
            return a;
        }
        int eq = m.indexOf('=');
        String kind = eq < 0 ? m : m.substring(0, eq);
        String arg = eq < 0 ? "" : m.substring(eq + 1);
        switch (kind) {
            case "can-reach" -> {
                if (arg.isEmpty()) {
                    throw bad(m, "can-reach needs a destination address: can-reach=8.8.8.8");
                }
                IpAddress.parse(arg);
            }
            case "interface", "skip-interface" -> {
                for (String re : arg.split(",")) {
                    try {
                        Pattern.compile(re);
                    } catch (PatternSyntaxException e) {
                        throw bad(m, "\"" + re + "\" is not a regular expression: " + e.getDescription());
                    }
                }
                if (arg.isEmpty()) {
                    throw bad(m, kind + " needs a regular expression: " + kind + "=eth.*");
                }
            }
            case "cidr" -> {
                if (arg.isEmpty()) {
                    throw bad(m, "cidr needs one or more CIDRs: cidr=10.0.0.0/8");
                }
                for (String c : arg.split(",")) {
                    Cidr.parse(c.trim());
                }
            }
            default -> throw bad(m, "unknown method; use first-found, can-reach=DEST, interface=REGEX, "
                    + "skip-interface=REGEX or cidr=CIDR");
        }
        return a;
    }

    private static IllegalArgumentException bad(String method, String why) {
        return new IllegalArgumentException("IP autodetection method \"" + method + "\": " + why);
    }

    /** The chosen address of IP version {@code version}, or empty when none fits. */
    public Optional<HostAddress> choose(HostInterfaces host, int version) {
        List<HostAddress> candidates = new ArrayList<>();
        for (HostAddress a : host.addresses()) {
            if (a.address().version() == version && !a.address().address().equals(a.address().address().masked(0))) {
                candidates.add(a);
            }
        }
        if (method.equals("first-found")) {
            return candidates.stream().filter(a -> !matchesAny(DEFAULT_EXCLUDES, a.interfaceName())).findFirst();
        }
        String kind = method.substring(0, method.indexOf('='));
        String arg = method.substring(method.indexOf('=') + 1);
        return switch (kind) {
            case "can-reach" -> {
                IpAddress dest = IpAddress.parse(arg);
                yield dest.version() == version ? host.sourceFor(dest) : Optional.empty();
            }
            case "interface" -> candidates.stream().filter(a -> matchesAny(patterns(arg), a.interfaceName())).findFirst();
            case "skip-interface" -> candidates.stream()
                    .filter(a -> !matchesAny(patterns(arg), a.interfaceName()) && !matchesAny(DEFAULT_EXCLUDES, a.interfaceName()))
                    .findFirst();
            case "cidr" -> {
                List<Cidr> nets = java.util.Arrays.stream(arg.split(",")).map(c -> Cidr.parse(c.trim())).toList();
                yield candidates.stream().filter(a -> nets.stream().anyMatch(n -> n.contains(a.address().address()))).findFirst();
            }
            default -> throw new IllegalStateException(method);
        };
    }

    private static List<Pattern> patterns(String arg) {
        return java.util.Arrays.stream(arg.split(",")).map(Pattern::compile).toList();
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        return patterns.stream().anyMatch(p -> p.matcher(name).find());
    }

    @Override
    public String toString() {
        return method;
    }
}
