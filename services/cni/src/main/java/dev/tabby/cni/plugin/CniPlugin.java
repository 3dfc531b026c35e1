package dev.tabby.cni.plugin;

import dev.tabby.cni.client.Frames;
import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.CniVersions;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.events.EventSink;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.model.validation.Problems;
import dev.tabby.model.validation.ResourceValidator;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The {@code tabby-cni} plugin: ADD, DEL, CHECK and VERSION as CNI spec 1.0.0 defines them, doing what Calico's
 * plugin does on an etcd datastore.
 *
 * <ul>
 *   <li>ADD: addresses from IPAM (handle {@code <network>.<container id>}), the veth pair and both sides' addresses,
 *       routes and sysctls, the network's Profile when missing (outside Kubernetes), then the WorkloadEndpoint; on a
 *       node that runs a policy renderer it returns once the endpoint's policy is reported up. A repeated ADD finds
 *       what the first made and prints the same result. A failed ADD undoes what it did, newest first, and its error
 *       says what failed and what was undone.</li>
 *   <li>DEL: removes the container's interface, releases the handle's addresses and deletes the WorkloadEndpoint
 *       when it is this container's. Whatever is already gone is fine: DEL of something unknown succeeds.</li>
 *   <li>CHECK: compares the kernel, IPAM and the WorkloadEndpoint with prevResult.</li>
 * </ul>
 * Calls for the same container are serialised; different containers run in parallel and never wait for each other.
 */
public final class CniPlugin implements PluginHandler {
    private static final Logger LOG = Logger.getLogger(CniPlugin.class);
    public static final String TYPE_IPAM = "tabby-ipam";

    private final PluginContext context;
    private final VethPlumber plumber = new VethPlumber();
    private final ContainerLocks locks = new ContainerLocks();

    public CniPlugin(PluginContext context) {
        this.context = context;
    }

    @Override
    public Frames.Reply handle(Frames.Request request) {
        String version = NetConf.versionOrDefault(request.stdin());
        try {
            CniEnv env = CniEnv.parse(request.env());
            if (env.command().equals("VERSION")) {
                return Frames.Reply.of(0, CniResult.versionJson(version), "");
            }
            NetConf conf = NetConf.parse(request.stdin());
            version = conf.cniVersion();
            Map<String, String> callEnv = request.env();
            String out = switch (env.command()) {
                case "ADD" -> add(env, conf, callEnv);
                case "DEL" -> del(env, conf, callEnv);
                case "CHECK" -> check(env, conf, callEnv);
                default -> throw new IllegalStateException(env.command());
            };
            return Frames.Reply.of(0, out, "");
        } catch (RuntimeException e) {
            CniError ce = Failures.toCniError(e, commandOf(request));
            LOG.debugf("event=cni_error code=%d msg=\"%s\"", ce.code(), ce.msg());
            if ("ADD".equals(request.env().get("CNI_COMMAND")) && context.events() != EventSink.NONE) {
                WorkloadEvents.addFailed(context.events(), workloadOrNull(request), request.env(), ce);
            }
            return Frames.Reply.of(1, CniResult.errorJson(version, ce), "");
        }
    }

    /** The workload a failed call was about, when its environment and configuration say; null when they cannot. */
    private Workload workloadOrNull(Frames.Request request) {
        try {
            CniEnv env = CniEnv.parse(request.env()).requireContainer();
            NetConf conf = NetConf.parse(request.stdin());
            return Workload.of(conf.name(), context.nodeName(conf, request.env()), env);
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ ADD

    private String add(CniEnv env, NetConf conf, Map<String, String> callEnv) {
        env.requireContainer().requireNetns();
        requireIpam(conf);
        Path netns = Path.of(env.netns());
        if (!Files.exists(netns)) {
            throw new CniError(CniError.UNKNOWN_CONTAINER, "CNI_NETNS " + netns
                    + " does not exist; the container's network namespace must exist before ADD (nothing was created)");
        }
        Workload w = Workload.of(conf.name(), context.nodeName(conf, callEnv), env);
        w.validate();
        boolean ownsProfile = NetworkProfile.applies(w, conf);
        if (ownsProfile) {
            NetworkProfile.checkName(conf.name());
        }
        Duration policyTimeout = PolicyWait.timeout(conf, callEnv, context.processEnv());
        long start = System.nanoTime();
        try (ContainerLocks.Held locked = lockFor(w)) {
            Datastores.Datastore ds = context.datastore(conf, callEnv);
            AddressSource addresses = addressSource(conf, ds);
            try (Netlink host = context.openHost(); Netlink container = openContainer(netns)) {
                // The handles stay open until the undo steps, which need them, have run.
                Undo undo = new Undo();
                try {
                    Supplier<PoolView> pools = memoize(() -> PoolView.read(ds, w.node()));
                    AddressSource.Lease lease = addresses.acquire(w, conf, env, pools);
                    if (lease.fresh()) {
                        undo.push("released " + join(lease.addresses()), () -> addresses.release(w, conf, env));
                    }
                    int mtu = WorkloadMtu.choose(conf.mtu(), context.mtuFile(),
                            () -> MtuDetector.detect(host, pools.get().encapsulationOverhead()));
                    VethPlumber.Attached attached = plumber.attach(host, container, netns, w.hostVethName(), env.ifName(),
                            mtu, lease.addresses(), undo);
                    // Before the endpoint, so the endpoint never names a Profile that is not there yet (Calico creates
                    // it just after). Never taken back: other workloads of the network may use it already.
                    if (ownsProfile) {
                        NetworkProfile.ensure(ds.resources(), conf.name());
                    }
                    writeEndpoint(ds, endpoint(w, attached, lease.addresses()), undo);
                    PolicyWait.Outcome policy = PolicyWait.await(ds.kv(), w, w.endpointName(), policyTimeout);
                    LOG.infof("event=cni_add endpoint=%s container=%s veth=%s addresses=%s mtu=%d policy=%s ms=%d",
                            w.endpointName(), w.containerId(), attached.hostVeth(), join(lease.addresses()), mtu,
                            policy.name().toLowerCase(Locale.ROOT), (System.nanoTime() - start) / 1_000_000);
                    String out = result(env, attached, lease.addresses()).toJson(conf.cniVersion());
                    WorkloadEvents.added(context.events(), w, attached.hostVeth(), lease.addresses(),
                            policy.name().toLowerCase(Locale.ROOT));
                    return out;
                } catch (RuntimeException e) {
                    CniError cause = Failures.toCniError(e, "ADD");
                    String undone = undo.runAll();
                    LOG.warnf("event=cni_add_failed endpoint=%s code=%d problem=\"%s\" %s", w.endpointName(), cause.code(),
                            cause.msg(), undone);
                    throw new CniError(cause.code(), "ADD of " + w.endpointName() + " failed: " + cause.msg() + " (" + undone
                            + ")", cause.details(), e);
                }
            }
        }
    }

    private static Netlink openContainer(Path netns) {
        try {
            return Netlink.at(netns);
        } catch (NetlinkException e) {
            throw new CniError(CniError.UNKNOWN_CONTAINER, "CNI_NETNS " + netns + " is not a usable network namespace: " + e.getMessage());
        }
    }

    private static CniResult result(CniEnv env, VethPlumber.Attached a, List<Cidr> addresses) {
        List<CniResult.Iface> ifaces = List.of(
                new CniResult.Iface(a.hostVeth(), VethPlumber.HOST_MAC.toString(), null),
                new CniResult.Iface(env.ifName(), a.containerMac(), env.netns()));
        List<CniResult.IpConfig> ips = new ArrayList<>();
        addresses.forEach(c -> ips.add(new CniResult.IpConfig(c, null, 1)));
        List<CniResult.RouteEntry> routes = new ArrayList<>();
        if (addresses.stream().anyMatch(Cidr::isV4)) {
            routes.add(new CniResult.RouteEntry(VethPlumber.DEFAULT_V4, VethPlumber.GATEWAY_V4));
        }
        if (a.ipv6Gateway() != null) {
            routes.add(new CniResult.RouteEntry(VethPlumber.DEFAULT_V6, a.ipv6Gateway()));
        }
        return new CniResult(ifaces, ips, routes);
    }

    static WorkloadEndpoint endpoint(Workload w, VethPlumber.Attached a, List<Cidr> addresses) {
        ObjectMeta meta = ObjectMeta.named(w.namespace(), w.endpointName()).withLabels(w.labels());
        WorkloadEndpoint.Spec spec = new WorkloadEndpoint.Spec(w.orchestrator(), null, w.node(), w.containerId(), w.pod(),
                w.endpoint(),
                addresses.stream().map(Cidr::toString).toList(), null, null, null,
                w.profiles(), a.hostVeth(), a.containerMac(), null);
        return new WorkloadEndpoint(meta, spec);
    }

    /**
     * Creates the WorkloadEndpoint, or replaces the one an earlier ADD wrote. Only an endpoint this call created is
     * deleted again if the ADD fails later.
     */
    private static void writeEndpoint(Datastores.Datastore ds, WorkloadEndpoint wep, Undo undo) {
        Problems problems = new Problems();
        Resource valid = ResourceValidator.validate(wep, problems);
        if (problems.hasErrors()) {
            throw new CniError(CniError.ENDPOINT_FAILURE, "the WorkloadEndpoint " + wep.name() + " would be invalid: "
                    + problems.errors().stream().map(Object::toString).collect(Collectors.joining("; ")));
        }
        for (int attempt = 0; ; attempt++) {
            try {
                Resource created = ds.resources().create(valid);
                undo.push("deleted WorkloadEndpoint " + wep.namespace() + "/" + wep.name(), () -> {
                    try {
                        ds.resources().delete(ResourceId.of(created), created.metadata().resourceVersion());
                    } catch (ResourceNotFoundException gone) {
                        // already gone: what the undo wanted
                    }
                });
                return;
            } catch (dev.tabby.datastore.resource.ResourceExistsException exists) {
                // an earlier ADD wrote it (this container's, or an older sandbox's of the same pod): replace it
            }
            try {
                ds.resources().update(valid);
                return;
            } catch (ResourceConflictException | ResourceNotFoundException raced) {
                if (attempt >= 3) {
                    throw new CniError(CniError.ENDPOINT_FAILURE, "the WorkloadEndpoint " + wep.name()
                            + " kept changing while it was written: " + raced.getMessage());
                }
            }
        }
    }

    // ------------------------------------------------------------------ DEL

    private String del(CniEnv env, NetConf conf, Map<String, String> callEnv) {
        env.requireContainer();
        requireIpam(conf);
        Workload w = Workload.of(conf.name(), context.nodeName(conf, callEnv), env);
        long start = System.nanoTime();
        try (ContainerLocks.Held locked = lockFor(w)) {
            // The kernel first: it needs no datastore, and a container without its interface is harmless even if
            // etcd is down and the runtime has to repeat the DEL.
            boolean removed = false;
            if (env.netns() != null && Files.exists(Path.of(env.netns()))) {
                try (Netlink container = Netlink.at(Path.of(env.netns()))) {
                    removed = plumber.deleteContainerSide(container, env.ifName());
                } catch (NetlinkException e) {
                    LOG.debugf("event=cni_del_netns_unusable netns=%s problem=\"%s\"", env.netns(), e.getMessage());
                }
            }
            Datastores.Datastore ds = context.datastore(conf, callEnv);
            Optional<WorkloadEndpoint> wep = ownEndpoint(ds, w);
            // Removing the container's side took the host side with it; look on the host only when that found nothing.
            if (!removed && wep.isPresent() && wep.get().spec().interfaceName() != null) {
                try (Netlink host = context.openHost()) {
                    removed = plumber.deleteHostSide(host, wep.get().spec().interfaceName());
                }
            }
            addressSource(conf, ds).release(w, conf, env);
            if (wep.isPresent()) {
                try {
                    ds.resources().delete(ResourceId.of(wep.get()), null);
                } catch (ResourceNotFoundException gone) {
                    // deleted meanwhile: what DEL wanted
                }
            }
            LOG.infof("event=cni_del endpoint=%s container=%s interface_removed=%s endpoint_deleted=%s ms=%d", w.endpointName(),
                    w.containerId(), removed, wep.isPresent(), (System.nanoTime() - start) / 1_000_000);
            WorkloadEvents.deleted(context.events(), w, removed, wep);
            return "";
        }
    }

    /**
     * The WorkloadEndpoint for this workload if it belongs to this container: under Kubernetes a newer sandbox of the
     * same pod has the same name, and its endpoint must survive the old sandbox's DEL.
     */
    private static Optional<WorkloadEndpoint> ownEndpoint(Datastores.Datastore ds, Workload w) {
        ResourceId id = new ResourceId(Kind.WORKLOAD_ENDPOINT, w.namespace(), w.endpointName());
        return ds.resources().get(id).map(r -> (WorkloadEndpoint) r).filter(wep -> wep.spec() == null
                || wep.spec().containerID() == null || wep.spec().containerID().equals(w.containerId()));
    }

    // ------------------------------------------------------------------ CHECK

    private String check(CniEnv env, NetConf conf, Map<String, String> callEnv) {
        env.requireContainer().requireNetns();
        requireIpam(conf);
        if (!CniVersions.allowsCheck(conf.cniVersion())) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "CHECK needs cniVersion 0.4.0 or later; the configuration says "
                    + conf.cniVersion());
        }
        if (conf.prevResult() == null) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "CHECK needs prevResult: the result of the ADD to check");
        }
        CniResult prev = CniResult.fromJson(conf.prevResult());
        Path netns = Path.of(env.netns());
        if (!Files.exists(netns)) {
            throw new CniError(CniError.UNKNOWN_CONTAINER, "CNI_NETNS " + netns + " does not exist");
        }
        Workload w = Workload.of(conf.name(), context.nodeName(conf, callEnv), env);
        List<Cidr> expected = prev.ips().stream().map(ip -> new Cidr(ip.address().address(), ip.address().address().bitLength())).toList();
        String expectedMac = prev.interfaces().stream().filter(i -> env.ifName().equals(i.name()) && i.sandbox() != null)
                .map(CniResult.Iface::mac).findFirst().orElse(null);
        List<String> problems = new ArrayList<>();
        try (ContainerLocks.Held locked = lockFor(w)) {
            Datastores.Datastore ds = context.datastore(conf, callEnv);
            Optional<WorkloadEndpoint> wep = ownEndpoint(ds, w);
            if (wep.isEmpty()) {
                problems.add("WorkloadEndpoint " + w.namespace() + "/" + w.endpointName() + " is missing");
            } else {
                List<String> nets = wep.get().spec().ipNetworks() == null ? List.of() : wep.get().spec().ipNetworks();
                List<String> want = expected.stream().map(Cidr::toString).toList();
                if (!nets.containsAll(want) || !want.containsAll(nets)) {
                    problems.add("WorkloadEndpoint " + w.endpointName() + " has ipNetworks " + nets + ", prevResult has " + want);
                }
            }
            if (conf.ipam().type().equals(TYPE_IPAM)) {
                List<String> held = ds.ipam().addressesOf(w.ipamHandle()).stream().map(a -> a.address().toString()).toList();
                for (Cidr c : expected) {
                    if (!held.contains(c.address().toString())) {
                        problems.add("IPAM handle " + w.ipamHandle() + " does not hold " + c.address());
                    }
                }
            }
            try (Netlink host = context.openHost(); Netlink container = openContainer(netns)) {
                problems.addAll(plumber.check(host, container, w.hostVethName(), env.ifName(), expected, expectedMac));
            }
        }
        if (!problems.isEmpty()) {
            throw new CniError(CniError.CHECK_MISMATCH, "CHECK of " + w.endpointName() + " found " + problems.size()
                    + " difference(s): " + String.join("; ", problems));
        }
        return "";
    }

    // ------------------------------------------------------------------ shared

    private static void requireIpam(NetConf conf) {
        if (conf.ipam() == null) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam is missing; tabby-cni needs an IPAM section, e.g. \"ipam\": {\"type\": \""
                    + TYPE_IPAM + "\"}");
        }
    }

    private AddressSource addressSource(NetConf conf, Datastores.Datastore ds) {
        return conf.ipam().type().equals(TYPE_IPAM) ? new TabbyAddresses(ds.ipam())
                : new DelegatedIpam(context.delegateTimeout(), context.processEnv());
    }

    /** This container interface's own lock: no other container ever waits for it. */
    private ContainerLocks.Held lockFor(Workload w) {
        return locks.lock(w.containerId() + "/" + w.endpoint());
    }

    private static <T> Supplier<T> memoize(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }

    private static String join(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::toString).collect(Collectors.joining(","));
    }

    private static String commandOf(Frames.Request r) {
        String c = r.env().get("CNI_COMMAND");
        return c == null ? "the call" : c;
    }
}
