package dev.tabby.ipam;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** Which IP pools an assignment may draw from, as Calico decides it. */
final class PoolResolver {
    private static final Logger LOG = Logger.getLogger(PoolResolver.class);

    private PoolResolver() {
    }

    /** The stored pools as IPAM sees them, in name order; a pool that cannot be read is skipped and logged. */
    static List<Pool> parse(List<IPPool> pools) {
        List<Pool> out = new ArrayList<>();
        for (IPPool p : pools) {
            try {
                out.add(Pool.from(p));
            } catch (RuntimeException e) {
                LOG.warnf("event=ippool_skipped pool=%s problem=%s", p.name(), e.getMessage());
            }
        }
        return out;
    }

    /**
     * The pools of {@code version} for an automatic assignment on {@code node}. With {@code requested} pools, exactly
     * those, which must exist and be enabled (their nodeSelector is not consulted, as in Calico, where explicit pools
     * predate selectors). Without, every enabled pool whose nodeSelector matches the node's labels ({@code labels}
     * null when the node has no Node resource: then only pools for all nodes).
     */
    static List<Pool> forNode(List<Pool> all, int version, List<Cidr> requested, String node, Map<String, String> labels) {
        List<Pool> enabled = all.stream().filter(p -> p.version() == version && !p.disabled()).toList();
        List<Cidr> wanted = requested.stream().filter(c -> c.version() == version).map(Cidr::network).toList();
        if (!wanted.isEmpty()) {
            List<Pool> chosen = new ArrayList<>();
            for (Cidr c : wanted) {
                Pool p = enabled.stream().filter(e -> e.cidr().equals(c)).findFirst().orElseThrow(() -> new NoPoolException(
                        "requested pool " + c + " is not an enabled IPv" + version + " IP pool (enabled: "
                                + describe(enabled) + ")"));
                chosen.add(p);
            }
            return chosen;
        }
        List<Pool> matching = enabled.stream().filter(p -> p.selects(labels)).toList();
        if (matching.isEmpty()) {
            List<Pool> ofVersion = all.stream().filter(p -> p.version() == version).toList();
            if (ofVersion.isEmpty()) {
                throw new NoPoolException("no IPv" + version + " IP pool exists for node " + node
                        + "; create an IPPool with an IPv" + version + " cidr");
            }
            String why = ofVersion.stream().map(p -> p.disabled() ? p.cidr() + " is disabled"
                    : p.cidr() + " has nodeSelector " + p.nodeSelector() + (labels == null
                            ? ", and node " + node + " has no Node resource to match" : ", which does not match"))
                    .collect(Collectors.joining("; "));
            throw new NoPoolException("no enabled IPv" + version + " IP pool selects node " + node + ": " + why);
        }
        return matching;
    }

    /** The enabled pool holding the address, if any. */
    static Optional<Pool> containing(List<Pool> all, IpAddress ip) {
        return all.stream().filter(p -> !p.disabled() && p.cidr().contains(ip)).findFirst();
    }

    static String describe(List<Pool> pools) {
        return pools.isEmpty() ? "none" : pools.stream().map(Pool::describe).collect(Collectors.joining(", "));
    }
}
