package dev.tabby.ipam.tunnel;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.AddressInUseException;
import dev.tabby.ipam.AffinityConflictException;
import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.ReleaseRequest;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The calico-node part of an overlay (calico/node release-v3.18 pkg/allocateip/allocateip.go): keeps this node's
 * tunnel address of one {@link TunnelKind} right. While an IPv4 pool with the kind's mode Always or CrossSubnet
 * serves the node, the Node holds an address from such a pool, allocated in IPAM under Calico's handle
 * ({@code vxlan-tunnel-addr-<node>}, {@code ipip-tunnel-addr-<node>}) with Calico's {@code type} attribute. With no
 * such pool, the address is released and removed from the Node. An address the Node names that IPAM records as
 * someone else's (a workload's, another node's, the other tunnel's) is left to its owner and a new one is assigned.
 *
 * <p>{@code extraFields} is applied to the Node's spec whenever an address is written or confirmed: vxlan-manager
 * publishes the VTEP MAC through it ({@link TunnelKind#fillVxlanMac}); it is not applied when the address is removed
 * (a MAC is harmless, and may be an operator's). Only this kind's fields are written, with compare-and-swap, so the
 * VXLAN and IP-in-IP allocators of one node share its Node without losing each other's writes.
 *
 * <p>Runs on a thread of its own (datastore I/O only, never the kernel): {@link #request()} from any thread asks for
 * a check soon; requests that arrive while one is queued are merged. A failed check is retried with backoff (Calico
 * exits and is restarted instead).
 *
 * <p>Differences from allocateip.go: an address the Node holds that IPAM does not record is replaced by the one held
 * under the handle when that is in a serving pool, where Calico releases the handle first and auto-assigns afresh;
 * an unreadable address on the Node is replaced like a missing one, where Calico exits; an unreadable pool is
 * skipped, where Calico exits; a pre-handle address (no handle, no attributes) is adopted only when a serving pool
 * holds it, otherwise released and replaced in the same pass, where Calico adopts it and moves it on its next pass.
 */
public final class TunnelAddressAllocator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TunnelAddressAllocator.class);
    private static final int CONFLICT_RETRIES = 5;
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final TunnelKind kind;
    private final String node;
    private final ResourceStore resources;
    private final Ipam ipam;
    private final UnaryOperator<Node.Spec> extraFields;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile String lastError;
    private volatile String lastOutcome = "not run yet";
    private int failuresInARow;

    public TunnelAddressAllocator(TunnelKind kind, String node, ResourceStore resources, Ipam ipam) {
        this(kind, node, resources, ipam, UnaryOperator.identity());
    }

    public TunnelAddressAllocator(TunnelKind kind, String node, ResourceStore resources, Ipam ipam,
            UnaryOperator<Node.Spec> extraFields) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.node = node;
        this.resources = resources;
        this.ipam = ipam;
        this.extraFields = Objects.requireNonNull(extraFields, "extraFields");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, kind.threadName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Check (and fix) the node's tunnel address soon. Cheap; safe from any thread. */
    public void request() {
        if (queued.compareAndSet(false, true)) {
            executor.execute(this::runQueued);
        }
    }

    private void runQueued() {
        queued.set(false);
        try {
            lastOutcome = reconcile();
            lastError = null;
            if (failuresInARow > 0) {
                LOG.infof("event=tunnel_addr_recovered kind=%s node=%s failures=%d outcome=\"%s\"", kind, node,
                        failuresInARow, lastOutcome);
            }
            failuresInARow = 0;
        } catch (RuntimeException e) {
            failuresInARow++;
            lastError = e.getMessage();
            long delay = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failuresInARow - 1, 10));
            // One line when it starts failing (etcd down can last long); the retries at debug, the recovery at info.
            if (failuresInARow == 1) {
                LOG.warnf("event=tunnel_addr_failed kind=%s node=%s retry_ms=%d error=\"%s\"", kind, node, delay,
                        e.getMessage());
            } else {
                LOG.debugf("event=tunnel_addr_failed kind=%s node=%s failures=%d retry_ms=%d error=\"%s\"", kind, node,
                        failuresInARow, delay, e.getMessage());
            }
            try {
                executor.schedule(this::request, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // shutting down
            }
        }
    }

    /** One check, on the caller's thread; returns what it did, in an operator's words. */
    String reconcile() {
        Optional<Node> found = readNode();
        if (found.isEmpty()) {
            return "no Node resource named " + node + " yet; nothing to assign to";
        }
        Node me = found.get();
        List<IPPool> pools = resources.list(Kind.IP_POOL, null).items().stream().map(IPPool.class::cast).toList();
        List<Cidr> serving = TunnelAddressPolicy.poolsFor(kind, me, pools);
        Optional<IpAddress> current = current(me);
        if (serving.isEmpty()) {
            return remove(me, current);
        }

        Optional<Assignment> assignment = current.flatMap(ipam::getAssignmentAttributes);
        TunnelAddressPolicy.Verdict verdict = TunnelAddressPolicy.judge(kind, node, current, assignment, serving);
        IpAddress address = switch (verdict) {
            case KEEP -> current.get();
            case RELEASE_AND_ASSIGN -> {
                ipam.releaseIps(List.of(new ReleaseRequest(current.get(), kind.type().handleFor(node))));
                yield assign(serving);
            }
            case ADOPT -> adopt(current.get(), serving);
            case ASSIGN, ASSIGN_LEAVING_OLD -> assign(serving);
        };
        String text = address.toString();
        UnaryOperator<Node.Spec> change = s -> extraFields.apply(kind.withAddress(s, text));
        // Checked against the Node just read first: the common case, nothing to change, costs no second read.
        if (!changes(change, me) || !updateNode(change)) {
            return "tunnel address " + address + " (" + verdict + ")";
        }
        LOG.infof("event=tunnel_addr_set kind=%s node=%s address=%s previous=%s verdict=%s", kind, node, address,
                current.map(IpAddress::toString).orElse("none"), verdict);
        return "tunnel address " + address + " written to the Node (" + verdict + ")";
    }

    private IpAddress assign(List<Cidr> serving) {
        return ipam.assignTunnelAddress(node, kind.type(), serving).address();
    }

    /**
     * allocateip.go correctAllocationWithHandle: release the pre-handle allocation and take the same address again
     * under this node's handle and attributes; if someone takes it first (or strict affinity forbids it), assign
     * another.
     */
    private IpAddress adopt(IpAddress old, List<Cidr> serving) {
        ipam.releaseIps(List.of(ReleaseRequest.of(old)));
        if (TunnelAddressPolicy.inPools(old, serving)) {
            try {
                return ipam.assignIp(old, kind.type().handleFor(node), kind.type().attributesFor(node), node).address();
            } catch (AddressInUseException | AffinityConflictException e) {
                LOG.infof("event=tunnel_addr_adopt_failed kind=%s node=%s address=%s error=\"%s\"", kind, node, old,
                        e.getMessage());
            }
        }
        return assign(serving);
    }

    /**
     * allocateip.go removeHostTunnelAddr: release whatever the handle holds (even when the Node names nothing: a
     * leaked allocation), else the Node's address if it is a pre-handle one of ours, and remove it from the Node.
     */
    private String remove(Node me, Optional<IpAddress> current) {
        List<IpAddress> released = ipam.releaseTunnelAddress(node, kind.type());
        if (released.isEmpty() && current.isPresent()) {
            Optional<Assignment> a = ipam.getAssignmentAttributes(current.get());
            if (a.isPresent() && a.get().attributes().isEmpty() && a.get().handle() == null) {
                ipam.releaseIps(List.of(ReleaseRequest.of(current.get())));
                released = List.of(current.get());
            }
        }
        String held = kind.addressOn(me.spec());
        boolean removed = held != null && !held.isBlank() && updateNode(s -> kind.withAddress(s, null));
        String none = "no " + kind.displayName() + " pool serves " + node;
        if (!removed) {
            if (!released.isEmpty()) {
                LOG.infof("event=tunnel_addr_released kind=%s node=%s released=%s", kind, node, released);
                return none + "; released leaked tunnel address " + released;
            }
            return none + "; it holds no tunnel address";
        }
        LOG.infof("event=tunnel_addr_removed kind=%s node=%s address=%s released=%s", kind, node, held, released);
        return none + "; removed tunnel address " + held;
    }

    private Optional<Node> readNode() {
        return resources.get(new ResourceId(Kind.NODE, null, node)).map(Node.class::cast);
    }

    private Optional<IpAddress> current(Node n) {
        String text = kind.addressOn(n.spec());
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(IpAddress.parse(text.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unreadable: replaced like a missing one
        }
    }

    /**
     * Applies {@code change} to the Node's spec and writes it with a compare-and-swap on the version just read;
     * another writer in between means read again and retry. Returns false when the spec needed no change.
     */
    private boolean updateNode(UnaryOperator<Node.Spec> change) {
        for (int attempt = 1; ; attempt++) {
            Node me = readNode().orElseThrow(() -> new IllegalStateException("Node " + node + " was deleted while its "
                    + kind.displayName() + " tunnel address was being written; it is written again once the Node is"
                    + " back"));
            if (!changes(change, me)) {
                return false;
            }
            try {
                Resource written = resources.update(new Node(me.metadata(), change.apply(specOf(me)), me.status()));
                LOG.debugf("event=node_updated kind=%s node=%s resourceVersion=%s", kind, node,
                        written.metadata().resourceVersion());
                return true;
            } catch (ResourceConflictException e) {
                if (attempt >= CONFLICT_RETRIES) {
                    throw new IllegalStateException("Node " + node + " kept changing under us: " + CONFLICT_RETRIES
                            + " compare-and-swap updates of its " + kind.displayName()
                            + " tunnel address lost the race", e);
                }
            }
        }
    }

    private static boolean changes(UnaryOperator<Node.Spec> change, Node n) {
        return !change.apply(specOf(n)).equals(specOf(n));
    }

    private static Node.Spec specOf(Node n) {
        return n.spec() == null ? new Node.Spec(null, null, null, null, null, null) : n.spec();
    }

    public TunnelKind kind() {
        return kind;
    }

    public String lastOutcome() {
        return lastOutcome;
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
