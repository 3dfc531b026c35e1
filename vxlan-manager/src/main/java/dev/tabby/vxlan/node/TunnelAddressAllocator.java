package dev.tabby.vxlan.node;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.ReleaseRequest;
import dev.tabby.ipam.TunnelAddressType;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import dev.tabby.vxlan.plan.VtepMac;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The calico-node part: keeps this node's {@code spec.ipv4VXLANTunnelAddr} right. While an IPv4 pool with vxlanMode
 * Always or CrossSubnet serves the node, the Node holds an address from such a pool, allocated in IPAM under
 * Calico's handle {@code vxlan-tunnel-addr-<node>}, and the Node also publishes its tunnel MAC
 * ({@code vxlanTunnelMACAddr}, the derived one unless an operator set another). With no such pool, the address is
 * released and removed from the Node (the MAC stays: it is harmless, and may be an operator's).
 *
 * <p>Runs on a thread of its own (datastore I/O only, never the kernel): {@link #request()} from any thread asks for
 * a check soon; requests that arrive while one is queued are merged. A failed check is retried with backoff.
 */
public final class TunnelAddressAllocator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TunnelAddressAllocator.class);
    private static final int CONFLICT_RETRIES = 5;
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final String node;
    private final ResourceStore resources;
    private final Ipam ipam;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile String lastError;
    private volatile String lastOutcome = "not run yet";
    private int failuresInARow;

    public TunnelAddressAllocator(String node, ResourceStore resources, Ipam ipam) {
        this.node = node;
        this.resources = resources;
        this.ipam = ipam;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tabby-vxlan-tunnel-addr");
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
                LOG.infof("event=tunnel_addr_recovered node=%s failures=%d outcome=\"%s\"", node, failuresInARow,
                        lastOutcome);
            }
            failuresInARow = 0;
        } catch (RuntimeException e) {
            failuresInARow++;
            lastError = e.getMessage();
            long delay = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failuresInARow - 1, 10));
            // One line when it starts failing (etcd down can last long); the retries at debug, the recovery at info.
            if (failuresInARow == 1) {
                LOG.warnf("event=tunnel_addr_failed node=%s retry_ms=%d error=\"%s\"", node, delay, e.getMessage());
            } else {
                LOG.debugf("event=tunnel_addr_failed node=%s failures=%d retry_ms=%d error=\"%s\"", node, failuresInARow,
                        delay, e.getMessage());
            }
            try {
                executor.schedule(this::request, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // shutting down
            }
        }
    }

    /** One check; returns what it did, in an operator's words. */
    String reconcile() {
        Optional<Node> found = readNode();
        if (found.isEmpty()) {
            return "no Node resource named " + node + " yet; nothing to assign to";
        }
        Node me = found.get();
        List<IPPool> pools = resources.list(Kind.IP_POOL, null).items().stream().map(IPPool.class::cast).toList();
        List<Cidr> vxlanPools = TunnelAddressPolicy.vxlanPoolsFor(me, pools);
        Optional<IpAddress> current = current(me);

        if (vxlanPools.isEmpty()) {
            if (current.isEmpty()) {
                return "no VXLAN pool serves " + node + "; it holds no tunnel address";
            }
            List<IpAddress> released = ipam.releaseTunnelAddress(node, TunnelAddressType.VXLAN);
            updateNode(null, false);
            LOG.infof("event=tunnel_addr_removed node=%s address=%s released=%s", node, current.get(), released);
            return "no VXLAN pool serves " + node + "; removed tunnel address " + current.get();
        }

        Optional<Assignment> assignment = current.flatMap(ipam::getAssignmentAttributes);
        TunnelAddressPolicy.Verdict verdict = TunnelAddressPolicy.judge(node, current, assignment, vxlanPools);
        IpAddress address;
        switch (verdict) {
            case KEEP -> address = current.get();
            case RELEASE_AND_ASSIGN -> {
                ipam.releaseIps(List.of(new ReleaseRequest(current.get(), TunnelAddressType.VXLAN.handleFor(node))));
                address = ipam.assignTunnelAddress(node, TunnelAddressType.VXLAN, vxlanPools).address();
            }
            default -> address = ipam.assignTunnelAddress(node, TunnelAddressType.VXLAN, vxlanPools).address();
        }
        boolean macMissing = me.spec() == null || me.spec().vxlanTunnelMACAddr() == null
                || me.spec().vxlanTunnelMACAddr().isBlank();
        if (current.equals(Optional.of(address)) && !macMissing) {
            return "tunnel address " + address + " (" + verdict + ")";
        }
        updateNode(address, true);
        LOG.infof("event=tunnel_addr_set node=%s address=%s previous=%s verdict=%s", node, address,
                current.map(IpAddress::toString).orElse("none"), verdict);
        return "tunnel address " + address + " written to the Node (" + verdict + ")";
    }

    private Optional<Node> readNode() {
        return resources.get(new ResourceId(Kind.NODE, null, node)).map(Node.class::cast);
    }

    private static Optional<IpAddress> current(Node n) {
        String text = n.spec() == null ? null : n.spec().ipv4VXLANTunnelAddr();
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
     * Writes the tunnel address (null: removes it) onto the Node with a compare-and-swap on the version just read;
     * another writer in between means read again and retry. With {@code publishMac}, an unset vxlanTunnelMACAddr is
     * filled with the derived MAC.
     */
    private void updateNode(IpAddress address, boolean publishMac) {
        for (int attempt = 1; ; attempt++) {
            Node me = readNode().orElseThrow(() -> new IllegalStateException("Node " + node
                    + " was deleted while its VXLAN tunnel address was being written"));
            Node.Spec s = me.spec() == null ? new Node.Spec(null, null, null, null, null, null) : me.spec();
            String mac = s.vxlanTunnelMACAddr();
            if (publishMac && (mac == null || mac.isBlank())) {
                mac = VtepMac.derived(node).toString();
            }
            String addr = address == null ? null : address.toString();
            if (Objects.equals(addr, s.ipv4VXLANTunnelAddr()) && Objects.equals(mac, s.vxlanTunnelMACAddr())) {
                return;
            }
            Node updated = new Node(me.metadata(), new Node.Spec(s.bgp(), addr, mac, s.orchRefs(), s.wireguard(), s.addresses()),
                    me.status());
            try {
                Resource written = resources.update(updated);
                LOG.debugf("event=node_updated node=%s resourceVersion=%s", node, written.metadata().resourceVersion());
                return;
            } catch (ResourceConflictException e) {
                if (attempt >= CONFLICT_RETRIES) {
                    throw new IllegalStateException("Node " + node + " kept changing under us: " + CONFLICT_RETRIES
                            + " compare-and-swap updates of its VXLAN tunnel address lost the race", e);
                }
            }
        }
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
