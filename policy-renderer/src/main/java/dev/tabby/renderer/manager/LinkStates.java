package dev.tabby.renderer.manager;

import dev.tabby.dataplane.iptables.CommandRunner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Which interfaces are operationally up, read with {@code ip -o link show} through the command runner. Felix reports a
 * workload endpoint {@code up} only while its interface is up (dataplane/linux/endpoint_mgr.go
 * calculateWorkloadEndpointStatus, fed by interface updates); Tabby reads the links when an endpoint's status may
 * have changed rather than subscribing to link events.
 */
public final class LinkStates {
    private static final Logger LOG = Logger.getLogger(LinkStates.class);

    private LinkStates() {
    }

    /** Interface name to "operationally up" (UP and LOWER_UP); empty when ip could not be run. */
    public static Optional<Map<String, Boolean>> read(CommandRunner runner) {
        CommandRunner.Result r;
        try {
            r = runner.run(List.of("ip", "-o", "link", "show"), "");
        } catch (IllegalStateException e) {
            r = new CommandRunner.Result(-1, "", e.getMessage());
        }
        if (!r.ok()) {
            LOG.warnf("event=links_unread problem=\"%s\" action=keep_last_statuses", r.stderr().strip());
            return Optional.empty();
        }
        return Optional.of(parse(r.stdout()));
    }

    /** Lines like {@code 5: calia1b2@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 ...}. */
    static Map<String, Boolean> parse(String out) {
        Map<String, Boolean> up = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[0].endsWith(":") || !f[1].endsWith(":")) {
                continue;
            }
            String name = f[1].substring(0, f[1].length() - 1);
            int at = name.indexOf('@');
            if (at > 0) {
                name = name.substring(0, at);
            }
            String flags = f[2];
            boolean isUp = flags.startsWith("<") && (flags.contains(",UP,") || flags.contains("<UP,") || flags.endsWith(",UP>"))
                    && flags.contains("LOWER_UP");
            up.put(name, isUp);
        }
        return up;
    }
}
