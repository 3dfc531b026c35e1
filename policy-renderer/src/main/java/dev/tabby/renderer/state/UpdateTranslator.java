package dev.tabby.renderer.state;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns the syncer's raw etcd changes into {@link ResourceChange}s. A value that does not decode counts as gone and
 * is logged with its key: rendering a half-understood policy could open what it meant to close, and a policy that is
 * gone leaves its endpoints with the next policy or profile in order (or default deny).
 */
public final class UpdateTranslator {
    private static final Logger LOG = Logger.getLogger(UpdateTranslator.class);

    /** What the policy renderer reads (felix's calc graph inputs, calc/calc_graph.go). */
    public static final List<Kind> KINDS = List.of(Kind.WORKLOAD_ENDPOINT, Kind.HOST_ENDPOINT, Kind.NETWORK_POLICY,
            Kind.GLOBAL_NETWORK_POLICY, Kind.PROFILE, Kind.NETWORK_SET, Kind.GLOBAL_NETWORK_SET, Kind.IP_POOL,
            Kind.NODE, Kind.FELIX_CONFIGURATION, Kind.BGP_CONFIGURATION);

    private UpdateTranslator() {
    }

    public static List<String> prefixes() {
        return KINDS.stream().map(k -> ResourceStore.prefix(k, null)).toList();
    }

    public static Optional<ResourceChange> translate(Update u) {
        for (Kind kind : KINDS) {
            String prefix = ResourceStore.prefix(kind, null);
            if (!u.key().startsWith(prefix)) {
                continue;
            }
            String id = u.key().substring(prefix.length());
            if (id.isEmpty() || id.split("/", -1).length != (kind.namespaced() ? 2 : 1)) {
                LOG.warnf("event=unreadable_key key=%s problem=\"not a %s key\"", u.key(), kind.kindName());
                return Optional.empty();
            }
            return Optional.of(new ResourceChange(kind, id, decode(u, kind)));
        }
        return Optional.empty();
    }

    private static Resource decode(Update u, Kind kind) {
        if (u.isDelete()) {
            return null;
        }
        try {
            return ResourceCodec.fromStoredValue(kind, u.value(), u.modRevision(), u.key());
        } catch (RuntimeException e) {
            LOG.warnf("event=unreadable_resource key=%s problem=\"%s\" action=treated_as_gone", u.key(), e.getMessage());
            return null;
        }
    }
}
