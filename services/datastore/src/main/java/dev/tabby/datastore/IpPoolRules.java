package dev.tabby.datastore;

import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceRefusedException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The rules Calico's client applies to every IPPool write (libcalico-go release-v3.18 lib/clientv3/ippool.go), so
 * tabbyctl, the CNI plugin and the services keep them as calicoctl does:
 * <ul>
 * <li>a new pool may not overlap another pool, nor existing blocks of a different size
 * ("IPPool blocksSize conflicts with existing allocations that use a different blockSize");</li>
 * <li>{@code cidr} and {@code blockSize} cannot change on an existing pool;</li>
 * <li>a pool in IP-in-IP or VXLAN mode turns on {@code ipipEnabled} / {@code vxlanEnabled} in the {@code default}
 * FelixConfiguration when that field is unset (maybeEnableIPIP, maybeEnableVXLAN), before the pool is written.</li>
 * </ul>
 * The pool handed in is validated and defaulted already (the codec does that).
 */
final class IpPoolRules {
    private static final Logger LOG = Logger.getLogger(IpPoolRules.class);
    /** clientv3's maxApplyRetries for the FelixConfiguration update. */
    private static final int RETRIES = 5;
    private static final String BLOCKS = "/calico/ipam/v2/assignment/ipv";

    private final KeyValueStore kv;
    private final ResourceStore store;

    IpPoolRules(KeyValueStore kv, ResourceStore store) {
        this.kv = kv;
        this.store = store;
    }

    /** Checks a write of {@code now} over {@code old} (null for a create); throws when Calico's client would refuse. */
    void beforeWrite(IPPool now, IPPool old) {
        ResourceId id = ResourceId.of(now);
        Cidr cidr = Cidr.parse(now.spec().cidr());
        int blockSize = blockSize(now, cidr);
        List<String> problems = new ArrayList<>();
        if (old != null) {
            Cidr was = Cidr.parse(old.spec().cidr());
            if (!was.equals(cidr)) {
                problems.add("spec.cidr: IPPool CIDR cannot be modified (it is " + was + ")");
            }
            if (blockSize(old, was) != blockSize) {
                problems.add("spec.blockSize: IPPool BlockSize cannot be modified (it is " + blockSize(old, was) + ")");
            }
        } else {
            for (Resource r : store.list(Kind.IP_POOL, null).items()) {
                IPPool other = (IPPool) r;
                if (!other.metadata().name().equals(now.metadata().name())
                        && Cidr.parse(other.spec().cidr()).overlaps(cidr)) {
                    problems.add("spec.cidr: IPPool(" + now.metadata().name() + ") CIDR overlaps with IPPool("
                            + other.metadata().name() + ") CIDR " + other.spec().cidr());
                }
            }
            for (KvEntry block : kv.list(BLOCKS + cidr.version() + "/block/").entries()) {
                String name = block.key().substring(block.key().lastIndexOf('/') + 1);
                int dash = name.lastIndexOf('-');
                Cidr b = Cidr.parse(name.substring(0, dash) + "/" + name.substring(dash + 1));
                if (b.prefixLength() != blockSize && b.overlaps(cidr)) {
                    problems.add("spec.blockSize: IPPool blocksSize conflicts with existing allocations that use a "
                            + "different blockSize (block " + b + ")");
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ResourceRefusedException(id, problems);
        }
        if (!"Never".equals(now.spec().ipipMode()) && now.spec().ipipMode() != null) {
            enableInDefault("ipipEnabled", FelixConfiguration.Spec::ipipEnabled);
        }
        if (!"Never".equals(now.spec().vxlanMode()) && now.spec().vxlanMode() != null) {
            enableInDefault("vxlanEnabled", FelixConfiguration.Spec::vxlanEnabled);
        }
    }

    private static int blockSize(IPPool p, Cidr cidr) {
        Integer b = p.spec().blockSize();
        return b != null ? b : cidr.isV4() ? 26 : 122;
    }

    /** Sets {@code field: true} in FelixConfiguration {@code default} unless it is set already (either way). */
    private void enableInDefault(String field, Function<FelixConfiguration.Spec, Boolean> current) {
        ResourceId id = new ResourceId(Kind.FELIX_CONFIGURATION, null, "default");
        for (int i = 0; i < RETRIES; i++) {
            Optional<Resource> stored = store.get(id);
            try {
                if (stored.isEmpty()) {
                    store.create(ResourceCodec.read("""
                            apiVersion: projectcalico.org/v3
                            kind: FelixConfiguration
                            metadata: {name: default}
                            spec: {%s: true}
                            """.formatted(field)).resources().get(0));
                } else {
                    FelixConfiguration f = (FelixConfiguration) stored.get();
                    if (f.spec() != null && current.apply(f.spec()) != null) {
                        return; // the operator's choice stands
                    }
                    var tree = ResourceCodec.toTree(f);
                    tree.with("spec").put(field, true);
                    store.update(ResourceCodec.read(ResourceCodec.toJson(tree)).resources().get(0));
                }
                LOG.infof("event=felixconfiguration_enabled name=default field=%s reason=\"an IPPool uses it\"", field);
                return;
            } catch (ResourceExistsException | ResourceConflictException raced) {
                // someone else wrote it meanwhile: read again
            }
        }
        throw new ResourceRefusedException(id, List.of("could not set " + field + " in FelixConfiguration default after "
                + RETRIES + " conflicting writes; try again"));
    }
}
