package dev.tabby.datastore;

import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceList;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.codec.StoredResource;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Calico v3 resources in etcd, laid out as Calico lays them out:
 * {@code /calico/resources/v3/projectcalico.org/<plural>/[<namespace>/]<name>}, the value the resource's JSON.
 * Every write is a compare-and-swap on the key; {@code metadata.resourceVersion} is the key's mod revision.
 * Resources handed in are expected to be validated already (the codec does that).
 *
 * <p>Reads come in two strengths. {@link #get} and {@link #list} return only values Tabby could have written itself
 * (the services act on them). {@link #getLenient} and {@link #listLenient} return whatever decodes, with a warning
 * per problem, as Calico's backend reads without validating: so a value calicoctl, calico-node or a newer Calico
 * stored can still be shown, replaced and deleted. Replace and delete read the stored value leniently too.
 */
public final class ResourceStore {
    public static final String PREFIX = "/calico/resources/v3/projectcalico.org/";

    private final KeyValueStore kv;
    private final Clock clock;
    private final IpPoolRules poolRules;

    public ResourceStore(KeyValueStore kv) {
        this(kv, Clock.systemUTC());
    }

    ResourceStore(KeyValueStore kv, Clock clock) {
        this.kv = kv;
        this.clock = clock;
        this.poolRules = new IpPoolRules(kv, this);
    }

    public static String key(ResourceId id) {
        return prefix(id.kind(), id.namespace()) + id.name();
    }

    /** The directory of a kind, or of one namespace of a namespaced kind ({@code namespace} null: all of them). */
    public static String prefix(Kind kind, String namespace) {
        String base = PREFIX + kind.plural() + "/";
        return kind.namespaced() && namespace != null ? base + namespace + "/" : base;
    }

    /** Writes a new resource; fails with {@link ResourceExistsException} if it is there already. */
    public Resource create(Resource r) {
        ResourceId id = ResourceId.of(r);
        if (r instanceof IPPool pool) {
            poolRules.beforeWrite(pool, null);
        }
        if (r instanceof WorkloadEndpoint w) {
            r = WorkloadEndpointRules.beforeWrite(w);
        }
        Resource stamped = r.withMetadata(r.metadata().withResourceVersion(null)
                .withCreation(UUID.randomUUID().toString(), now()));
        try {
            long rev = kv.create(key(id), ResourceCodec.toStoredValue(stamped));
            return withRevision(stamped, rev);
        } catch (AlreadyExistsException e) {
            throw new ResourceExistsException(id, e);
        }
    }

    /**
     * Replaces an existing resource. With {@code metadata.resourceVersion} set, only if the stored one is still at
     * that version; without, against the version read just before. uid and creationTimestamp are kept from the
     * stored resource.
     */
    public Resource update(Resource r) {
        ResourceId id = ResourceId.of(r);
        Stored current = read(id).orElseThrow(() -> new ResourceNotFoundException(id, "use create or apply to add it"));
        return updateFrom(current, r);
    }

    /** Creates the resource, or updates it if it exists (the way {@code calicoctl apply} does). */
    public Resource apply(Resource r) {
        ResourceId id = ResourceId.of(r);
        Optional<Stored> current = read(id);
        if (current.isEmpty()) {
            if (version(r.metadata().resourceVersion()).isPresent()) {
                // The writer expects an existing version; creating would hide that it was deleted meanwhile.
                throw new ResourceNotFoundException(id, "it was deleted since resourceVersion "
                        + r.metadata().resourceVersion() + " was read; remove resourceVersion to create it again");
            }
            return create(r);
        }
        return updateFrom(current.get(), r);
    }

    private Resource updateFrom(Stored current, Resource incoming) {
        Resource r = incoming;
        ResourceId id = ResourceId.of(r);
        if (r instanceof IPPool pool) {
            poolRules.beforeWrite(pool, (IPPool) current.resource);
        }
        if (r instanceof WorkloadEndpoint w) {
            r = WorkloadEndpointRules.beforeWrite(w);
        }
        long expected = version(r.metadata().resourceVersion()).orElse(current.revision);
        ObjectMeta stored = current.resource.metadata();
        Resource merged = r.withMetadata(r.metadata().withResourceVersion(null)
                .withCreation(stored.uid(), stored.creationTimestamp()));
        try {
            long rev = kv.update(key(id), ResourceCodec.toStoredValue(merged), expected);
            return withRevision(merged, rev);
        } catch (ConflictException e) {
            throw new ResourceConflictException(id, expected, e.currentModRevision(), e);
        } catch (NotFoundException e) {
            throw new ResourceNotFoundException(id, "it was deleted meanwhile; use create to add it again");
        }
    }

    /** Deletes the resource, only if still at {@code resourceVersion} when that is given. Returns what was deleted. */
    public Resource delete(ResourceId id, String resourceVersion) {
        Stored current = read(id).orElseThrow(() -> new ResourceNotFoundException(id, null));
        long expected = version(resourceVersion).orElse(current.revision);
        try {
            kv.delete(key(id), expected);
            return current.resource;
        } catch (ConflictException e) {
            throw new ResourceConflictException(id, expected, e.currentModRevision(), e);
        } catch (NotFoundException e) {
            throw new ResourceNotFoundException(id, null);
        }
    }

    public Optional<Resource> get(ResourceId id) {
        String key = key(id);
        return kv.get(key).map(e -> ResourceCodec.fromStoredValue(id.kind(), e.value(), e.modRevision(), key));
    }

    /** The stored value however another writer left it, with its warnings; an error only if it does not decode. */
    public Optional<StoredResource> getLenient(ResourceId id) {
        String key = key(id);
        return kv.get(key).map(e -> ResourceCodec.readStored(id.kind(), e.value(), e.modRevision(), key));
    }

    /** All resources of a kind, or of one namespace of a namespaced kind, in key order, at one revision. */
    public ResourceList list(Kind kind, String namespace) {
        ListResult result = kv.list(prefix(kind, namespace));
        List<Resource> items = new ArrayList<>(result.entries().size());
        List<String> unreadable = new ArrayList<>();
        for (KvEntry e : result.entries()) {
            try {
                items.add(ResourceCodec.fromStoredValue(kind, e.value(), e.modRevision(), e.key()));
            } catch (ManifestException bad) {
                unreadable.addAll(bad.problems());
            }
        }
        return new ResourceList(items, result.revision(), unreadable, List.of());
    }

    /** As {@link #list}, but values that break Tabby's rules are included, each problem a warning. */
    public ResourceList listLenient(Kind kind, String namespace) {
        ListResult result = kv.list(prefix(kind, namespace));
        List<Resource> items = new ArrayList<>(result.entries().size());
        List<String> unreadable = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (KvEntry e : result.entries()) {
            try {
                StoredResource s = ResourceCodec.readStored(kind, e.value(), e.modRevision(), e.key());
                items.add(s.resource());
                warnings.addAll(s.warnings());
            } catch (ManifestException bad) {
                unreadable.addAll(bad.problems());
            }
        }
        return new ResourceList(items, result.revision(), unreadable, warnings);
    }

    private record Stored(Resource resource, long revision) {
    }

    /** The stored value, read leniently: a replace or delete must work on a value Tabby would not write. */
    private Optional<Stored> read(ResourceId id) {
        return getLenient(id).map(s -> new Stored(s.resource(), Long.parseLong(s.resource().metadata().resourceVersion())));
    }

    /**
     * A resourceVersion as the etcd revision it stands for; empty for none (null or blank: "no version", as Calico
     * treats an empty one). Anything else that is not a revision is refused with the reason.
     */
    static Optional<Long> version(String resourceVersion) {
        if (resourceVersion == null || resourceVersion.isBlank()) {
            return Optional.empty();
        }
        try {
            long v = Long.parseLong(resourceVersion.strip());
            if (v > 0) {
                return Optional.of(v);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("metadata.resourceVersion \"" + resourceVersion
                + "\" is not an etcd revision (a positive number); leave it out to write whatever version is stored");
    }

    private static Resource withRevision(Resource r, long revision) {
        return r.withMetadata(r.metadata().withResourceVersion(Long.toString(revision)));
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
