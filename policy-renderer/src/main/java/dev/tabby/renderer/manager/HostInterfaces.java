package dev.tabby.renderer.manager;

import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.model.net.IpAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * This host's interfaces and their addresses, read with {@code ip -o addr show} through the command runner (so in the
 * namespace the rules go to). Felix keeps the same map from netlink (endpoint_mgr.go hostIfaceToAddrs) to bind host
 * endpoints that name no interface; here it is read on each apply while such an endpoint exists, and the periodic
 * refresh catches address changes.
 */
final class HostInterfaces {
    private static final Logger LOG = Logger.getLogger(HostInterfaces.class);

    private HostInterfaces() {
    }

    static Optional<Map<String, Set<String>>> read(CommandRunner runner) {
        CommandRunner.Result r;
        try {
            r = runner.run(List.of("ip", "-o", "addr", "show"), "");
        } catch (IllegalStateException e) {
            r = new CommandRunner.Result(-1, "", e.getMessage());
        }
        if (!r.ok()) {
            LOG.warnf("event=host_interfaces_unread problem=\"%s\" action=keep_last", r.stderr().strip());
            return Optional.empty();
        }
        return Optional.of(parse(r.stdout()));
    }

    /** Lines like {@code 2: eth0    inet 10.99.1.12/24 brd 10.99.1.255 scope global eth0\ ...}. */
    static Map<String, Set<String>> parse(String out) {
        Map<String, Set<String>> byIface = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !(f[2].equals("inet") || f[2].equals("inet6"))) {
                continue;
            }
            String iface = f[1];
            String addr = f[3].contains("/") ? f[3].substring(0, f[3].indexOf('/')) : f[3];
            try {
                byIface.computeIfAbsent(iface, k -> new HashSet<>()).add(IpAddress.parse(addr).toString());
            } catch (IllegalArgumentException e) {
                // a line ip printed that is not an address: skipped
            }
        }
        return byIface;
    }
}
