package dev.tabby.renderer.state;

import dev.tabby.dataplane.ipset.IpSet;
import dev.tabby.dataplane.ipset.IpSetNames;
import dev.tabby.dataplane.ipset.IpSetType;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.policy.calc.ActivePolicies;
import dev.tabby.policy.calc.CalicoPolicy;
import dev.tabby.policy.calc.EndpointLabels;
import dev.tabby.policy.calc.IpSetDelta;
import dev.tabby.policy.calc.IpSetIndex;
import dev.tabby.policy.calc.IpSetItem;
import dev.tabby.policy.calc.IpSetSpec;
import dev.tabby.policy.calc.PolicyProgram;
import dev.tabby.policy.calc.PolicyResolver;
import dev.tabby.policy.render.Chain;
import dev.tabby.policy.render.IptRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The whole calculation of one node's policy dataplane, pure and incremental (no I/O): the datastore's resources go
 * in through {@link #apply(ResourceChange)}, and {@link #flush()} answers with only what changed in the desired
 * chains and IP sets since the last flush.
 *
 * <p>Everything rendered belongs to an owner: a policy ({@code policy:<key name>}), a profile
 * ({@code profile:<name>}), a local endpoint ({@code wep/<ns>/<name>}, {@code hep/<name>}), the dispatch chains
 * ({@code dispatch}) or the static chains ({@code static}). A change marks owners dirty; the flush re-renders only
 * them and compares with what they rendered last, so a label change touches only the sets and chains it affects.
 * Felix renders only the policies and profiles that a local endpoint uses (calc/active_rules_calculator.go); so
 * does this.
 *
 * <p>Not thread-safe: the apply loop's thread owns it.
 */
public final class PolicyState {
    private static final Logger LOG = Logger.getLogger(PolicyState.class);
    static final String STATIC = "static";
    static final String DISPATCH = "dispatch";
    static final String HOSTS = "hosts";
    /** The sets of every node's address (all-hosts-net, all-vxlan-net), apart from the static chains. */
    static final String HOST_SETS = "host-sets";

    private final String node;
    private final Layout layout;
    private final boolean randomFully;

    // Inputs.
    private final Map<String, Profile> profiles = new HashMap<>();
    private final Map<String, CalicoPolicy> policies = new HashMap<>();
    private final Map<String, WorkloadEndpoint> localWorkloads = new TreeMap<>();
    private final Map<String, HostEndpoint> localHosts = new TreeMap<>();
    /** Every endpoint and network set of the cluster, by IpSetItem key, for re-deriving labels. */
    private final Map<String, Object> items = new HashMap<>();
    /** One copy of the strings the cluster's endpoints repeat (labels, namespaces, profile names, addresses). */
    private final ModelStrings strings = new ModelStrings();
    private final Map<String, IPPool> pools = new TreeMap<>();
    private final Map<String, Node> nodes = new TreeMap<>();
    private FelixConfiguration felixDefault;
    private FelixConfiguration felixNode;
    private RendererSettings settings = RendererSettings.DEFAULTS;

    // Calculation.
    private final ActivePolicies active = new ActivePolicies();
    private final IpSetIndex ipSets = new IpSetIndex();
    private final Map<String, IpSetSpec> specs = new HashMap<>();
    private final Map<String, Set<String>> setsByOwner = new HashMap<>();
    private final Map<String, Integer> setRefs = new HashMap<>();
    private final Map<String, Map<TableKey, Map<String, List<String>>>> rendered = new HashMap<>();
    private final Map<String, List<String>> renderProblems = new TreeMap<>();

    // Dirt since the last flush.
    private final Set<String> dirtyOwners = new HashSet<>();
    private final Set<String> dirtySets = new HashSet<>();
    private boolean activeSetsDirty = true;
    private boolean everythingDirty = true;
    private boolean v6;
    private Set<String> renderedPolicies = Set.of();
    private Set<String> renderedProfiles = Set.of();

    /**
     * @param randomFully iptables and the kernel support {@code --random-fully} (felix iptables/feature_detect.go)
     */
    public PolicyState(String node, Layout layout, boolean randomFully) {
        this.node = node;
        this.layout = layout;
        this.randomFully = randomFully;
    }

    public String node() {
        return node;
    }

    public RendererSettings settings() {
        return settings;
    }

    // ---- inputs -------------------------------------------------------------------------------------------------

    public void apply(ResourceChange c) {
        switch (c.kind()) {
            case WORKLOAD_ENDPOINT -> workload(c.id(), (WorkloadEndpoint) c.resource());
            case HOST_ENDPOINT -> host(c.id(), (HostEndpoint) c.resource());
            case NETWORK_POLICY -> policy("np:" + c.id(), c.resource() == null ? null : CalicoPolicy.of((NetworkPolicy) c.resource()));
            case GLOBAL_NETWORK_POLICY -> policy("gnp:" + c.id(),
                    c.resource() == null ? null : CalicoPolicy.of((GlobalNetworkPolicy) c.resource()));
            case PROFILE -> profile(c.id(), (Profile) c.resource());
            case NETWORK_SET -> item("netset/" + c.id(), c.resource());
            case GLOBAL_NETWORK_SET -> item("gnetset/" + c.id(), c.resource());
            case IP_POOL -> {
                putOrRemove(pools, c.id(), (IPPool) c.resource());
                dirtyOwners.add(STATIC);
                remerge(); // an unset ipipEnabled / vxlanEnabled follows the pools
            }
            case NODE -> {
                Node before = nodes.get(c.id());
                putOrRemove(nodes, c.id(), (Node) c.resource());
                namesVersion++;
                // Nodes reach the rendering only through their address in the all-hosts sets (own owner): a tunnel
                // address moved or a label changed renders nothing, and an address re-renders those sets alone.
                if (!Objects.equals(Layout.hostAddress(before), Layout.hostAddress((Node) c.resource()))) {
                    dirtyOwners.add(HOST_SETS);
                }
                if (c.id().equals(node)) {
                    remerge(); // this node's tunnel addresses
                }
            }
            case FELIX_CONFIGURATION -> felix(c.id(), (FelixConfiguration) c.resource());
            case BGP_CONFIGURATION -> {
                if (c.id().equals("default")) {
                    serviceClusterCidrs = serviceClusterCidrs((dev.tabby.model.v3.BGPConfiguration) c.resource());
                    dirtyOwners.add(STATIC);
                }
            }
            default -> {
            }
        }
    }

    /**
     * BGPConfiguration {@code default} serviceClusterIPs: traffic to them that kube-proxy did not handle is blocked
     * in {@code cali-cidr-block} (felix dataplane/linux/service_loop_mgr.go, v3.18 uses the cluster IPs only).
     */
    private List<String> serviceClusterCidrs = List.of();

    private static List<String> serviceClusterCidrs(dev.tabby.model.v3.BGPConfiguration b) {
        if (b == null || b.spec() == null || b.spec().serviceClusterIPs() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (dev.tabby.model.v3.BGPConfiguration.ServiceIP ip : b.spec().serviceClusterIPs()) {
            try {
                out.add(dev.tabby.model.net.Cidr.parseCidrOrIp(ip.cidr()).network().toString());
            } catch (IllegalArgumentException | NullPointerException e) {
                LOG.warnf("event=service_cidr_refused cidr=%s problem=\"%s\"", ip.cidr(), e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Policy keys: NetworkPolicy and GlobalNetworkPolicy names may coincide, so the input key carries the kind. */
    private final Map<String, String> policyNameByInputKey = new HashMap<>();

    private void policy(String inputKey, CalicoPolicy p) {
        String oldName = policyNameByInputKey.remove(inputKey);
        if (oldName != null) {
            policies.remove(oldName);
            active.removePolicy(oldName).forEach(this::markEndpoint);
            dirtyOwners.add("policy:" + oldName);
        }
        if (p != null) {
            policyNameByInputKey.put(inputKey, p.name());
            policies.put(p.name(), p);
            active.putPolicy(p).forEach(this::markEndpoint);
            dirtyOwners.add("policy:" + p.name());
        }
        activeSetsDirty = true;
    }

    private Map<String, Set<String>> hostInterfaces = Map.of();

    /** Whether a local host endpoint names no interface: it is bound by address, so the host's addresses matter. */
    public boolean wantsHostInterfaces() {
        return localHosts.values().stream().anyMatch(h -> h.spec() != null
                && (h.spec().interfaceName() == null || h.spec().interfaceName().isBlank()));
    }

    /**
     * This host's interfaces and their addresses (canonical text), for host endpoints bound by {@code expectedIPs}.
     * A change re-renders the host endpoint chains only when such an endpoint exists.
     */
    public void setHostInterfaces(Map<String, Set<String>> interfaces) {
        if (!interfaces.equals(hostInterfaces)) {
            hostInterfaces = Map.copyOf(interfaces);
            if (wantsHostInterfaces()) {
                dirtyOwners.add(HOSTS);
            }
        }
    }

    /** An endpoint whose policies changed: its own chains, or, for a host endpoint, the host endpoints' chains. */
    private void markEndpoint(String key) {
        dirtyOwners.add(key.startsWith("hep/") ? HOSTS : key);
    }

    private void workload(String id, WorkloadEndpoint w) {
        namesVersion++;
        String key = "wep/" + id;
        if (w != null && !felixSees(w)) {
            w = null;
        }
        WorkloadEndpoint old = localWorkloads.remove(key);
        boolean local = w != null && w.spec() != null && node.equals(w.spec().node());
        if (w == null) {
            items.remove(key);
            track(ipSets.removeItem(key));
        } else {
            IpSetItem item = strings.of(IpSetItem.of(w, profiles));
            // Another node's endpoint only feeds IP sets and address names: keep just what they read.
            items.put(key, local ? w : RemoteWorkload.of(w, item.nets(), strings));
            track(ipSets.putItem(key, item));
        }
        if (local) {
            localWorkloads.put(key, w);
            active.putEndpoint(key, EndpointLabels.of(w, profiles), w.spec().profiles());
            dirtyOwners.add(key);
            if (old == null || !Objects.equals(iface(old), iface(w))) {
                dirtyOwners.add(DISPATCH);
            }
            activeSetsDirty = true;
        } else if (old != null) {
            active.removeEndpoint(key);
            dirtyOwners.add(key);
            dirtyOwners.add(DISPATCH);
            activeSetsDirty = true;
        }
    }

    private void host(String id, HostEndpoint h) {
        namesVersion++;
        String key = "hep/" + id;
        HostEndpoint old = localHosts.remove(key);
        if (h == null) {
            items.remove(key);
            track(ipSets.removeItem(key));
        } else {
            items.put(key, h);
            track(ipSets.putItem(key, strings.of(IpSetItem.of(h, profiles))));
        }
        if (h != null && h.spec() != null && node.equals(h.spec().node())) {
            localHosts.put(key, h);
            active.putEndpoint(key, EndpointLabels.of(h, profiles), h.spec().profiles());
            dirtyOwners.add(HOSTS);
            activeSetsDirty = true;
        } else if (old != null) {
            active.removeEndpoint(key);
            dirtyOwners.add(HOSTS);
            activeSetsDirty = true;
        }
    }

    private void item(String key, Object resource) {
        if (resource == null) {
            items.remove(key);
            track(ipSets.removeItem(key));
            return;
        }
        items.put(key, resource);
        track(ipSets.putItem(key, strings.of(itemOf(key, resource))));
    }

    private IpSetItem itemOf(String key, Object r) {
        if (r instanceof RemoteWorkload remote) {
            return IpSetItem.of(remote.endpoint(key), profiles);
        }
        if (r instanceof WorkloadEndpoint w) {
            return IpSetItem.of(w, profiles);
        }
        if (r instanceof HostEndpoint h) {
            return IpSetItem.of(h, profiles);
        }
        if (r instanceof NetworkSet n) {
            return IpSetItem.of(n, profiles);
        }
        return IpSetItem.of((GlobalNetworkSet) r);
    }

    private void profile(String name, Profile p) {
        Profile old = p == null ? profiles.remove(name) : profiles.put(name, p);
        dirtyOwners.add("profile:" + name);
        activeSetsDirty = true;
        if (!Objects.equals(labelsToApply(old), labelsToApply(p))) {
            // Inherited labels changed: every item's effective labels may have (felix label_inheritance_index.go).
            for (Map.Entry<String, Object> e : items.entrySet()) {
                track(ipSets.putItem(e.getKey(), strings.of(itemOf(e.getKey(), e.getValue()))));
            }
            localWorkloads.forEach((k, w) -> active.putEndpoint(k, EndpointLabels.of(w, profiles), w.spec().profiles())
                    .forEach(this::markEndpoint));
            localHosts.forEach((k, h) -> {
                if (!active.putEndpoint(k, EndpointLabels.of(h, profiles), h.spec().profiles()).isEmpty()) {
                    dirtyOwners.add(HOSTS);
                }
            });
        }
    }

    private static Map<String, String> labelsToApply(Profile p) {
        return p == null || p.spec() == null || p.spec().labelsToApply() == null ? Map.of() : p.spec().labelsToApply();
    }

    private void felix(String name, FelixConfiguration f) {
        if (name.equals("default")) {
            felixDefault = f;
        } else if (name.equals("node." + node)) {
            felixNode = f;
        } else {
            return;
        }
        remerge();
    }

    private void remerge() {
        RendererSettings now = RendererSettings.merge(felixDefault, felixNode, nodes.get(node), pools.values(),
                randomFully, settings);
        if (!now.equals(settings)) {
            settings = now;
            now.problems().forEach(p -> LOG.warnf("event=felix_configuration_refused node=%s problem=\"%s\"", node, p));
            everythingDirty = true;
        }
    }

    private void track(List<IpSetDelta> deltas) {
        deltas.forEach(d -> dirtySets.add(d.setId()));
    }

    private static <V> void putOrRemove(Map<String, V> map, String key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /**
     * Felix ignores an endpoint without addresses, or whose name is not {@code <node>-<orch>-<workload>-<endpoint>}
     * (libcalico-go updateprocessors/workloadendpointprocessor.go).
     */
    static boolean felixSees(WorkloadEndpoint w) {
        return w.spec() != null && w.spec().ipNetworks() != null && !w.spec().ipNetworks().isEmpty()
                && dev.tabby.datastore.status.FelixStatusKeys.forWorkloadEndpoint(w.metadata().namespace(),
                w.metadata().name()).isPresent();
    }

    private static String iface(WorkloadEndpoint w) {
        return w.spec() == null ? null : w.spec().interfaceName();
    }

    // ---- output -------------------------------------------------------------------------------------------------

    /** Re-renders what changed and returns the difference; nothing changed gives empty changes. */
    public DataplaneChanges flush() {
        DataplaneChanges out = new DataplaneChanges();
        boolean v6Now = settings.ipv6Support() && v6InUse();
        if (v6Now != v6) {
            if (!v6Now) {
                // Leaving IPv6: the selector sets' v6 copies go; chains and fixed sets go by the re-render below.
                specs.keySet().forEach(id -> out.removedIpSets.add(IpSetNames.main(6, id)));
            }
            v6 = v6Now;
            everythingDirty = true;
        }
        if (everythingDirty) {
            everythingDirty = false;
            activeSetsDirty = true;
            dirtyOwners.addAll(rendered.keySet());
            dirtyOwners.add(STATIC);
            dirtyOwners.add(HOST_SETS);
            dirtyOwners.add(DISPATCH);
            dirtyOwners.add(HOSTS);
            dirtyOwners.addAll(localWorkloads.keySet());
            dirtySets.addAll(specs.keySet());
        }
        if (activeSetsDirty) {
            activeSetsDirty = false;
            Set<String> nowPolicies = active.activePolicies();
            Set<String> nowProfiles = active.activeProfiles();
            for (String p : union(renderedPolicies, nowPolicies)) {
                if (!renderedPolicies.contains(p) || !nowPolicies.contains(p)) {
                    dirtyOwners.add("policy:" + p);
                }
            }
            for (String p : union(renderedProfiles, nowProfiles)) {
                if (!renderedProfiles.contains(p) || !nowProfiles.contains(p)) {
                    dirtyOwners.add("profile:" + p);
                }
            }
            renderedPolicies = nowPolicies;
            renderedProfiles = nowProfiles;
        }
        lastRendered = Set.copyOf(dirtyOwners);
        for (String owner : new TreeSet<>(dirtyOwners)) {
            Rendered r;
            try {
                r = render(owner);
                renderProblems.remove(owner);
            } catch (RuntimeException e) {
                // Fail closed: an owner that cannot be rendered gets empty chains (a policy then allows nothing,
                // and its endpoints fall to "Drop if no policies passed packet").
                LOG.errorf("event=render_failed owner=%s problem=\"%s\" action=rendered_empty", owner, e.getMessage());
                renderProblems.put(owner, List.of(String.valueOf(e.getMessage())));
                r = emptyFor(owner);
            }
            diffInto(owner, r, out);
        }
        dirtyOwners.clear();
        for (String id : dirtySets) {
            IpSetSpec spec = specs.get(id);
            if (spec == null) {
                continue; // removed: handled when its last user went
            }
            for (int v : versions()) {
                out.ipSets.put(IpSetNames.main(v, id), ipSet(spec, id, v));
            }
        }
        dirtySets.clear();
        return out;
    }

    /** The owners the last {@link #flush()} rendered again: what a change cost (tests of the incremental contract). */
    Set<String> lastRendered() {
        return lastRendered;
    }

    private Set<String> lastRendered = Set.of();

    /** IP versions programmed now: IPv4, and IPv6 while {@link #v6InUse()} (and ipv6Support is not false). */
    public List<Integer> ipVersions() {
        return versions();
    }

    List<Integer> versions() {
        return v6 ? List.of(4, 6) : List.of(4);
    }

    /**
     * Whether IPv6 needs ip6tables and cali60 sets here: an IPv6 pool in the cluster, a local endpoint with an IPv6
     * address, or a local host endpoint (whose host may have IPv6 addresses to protect). Felix programs IPv6
     * whenever ipv6Support is on; Tabby spares a v4-only node the second set of tables (half the restore time).
     */
    private boolean v6InUse() {
        if (!localHosts.isEmpty()) {
            return true;
        }
        for (IPPool p : pools.values()) {
            if (p.spec() != null && p.spec().cidr() != null && p.spec().cidr().contains(":")) {
                return true;
            }
        }
        for (WorkloadEndpoint w : localWorkloads.values()) {
            if (w.spec().ipNetworks().stream().anyMatch(n -> n.contains(":"))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    private IpSet ipSet(IpSetSpec spec, String id, int v) {
        Set<String> members = new HashSet<>();
        for (String m : ipSets.memberView(id)) {
            String ip = spec.isNamedPort() ? m.substring(0, m.indexOf(',')) : m;
            if (ip.contains(":") == (v == 6)) {
                members.add(m);
            }
        }
        return new IpSet(spec.isNamedPort() ? IpSetType.HASH_IP_PORT : IpSetType.HASH_NET, v, members);
    }

    /** One owner's chains per table, the IP sets it refers to and the static sets it defines. */
    record Rendered(Map<TableKey, Map<String, List<String>>> chains, Map<String, IpSetSpec> selectorSets,
                    Map<String, IpSet> staticSets, Map<TableKey, Map<String, Layout.Hook>> hooks) {
        static Rendered empty() {
            return new Rendered(Map.of(), Map.of(), Map.of(), Map.of());
        }
    }

    private Rendered emptyFor(String owner) {
        Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
        Map<TableKey, Map<String, List<String>>> old = rendered.getOrDefault(owner, Map.of());
        old.forEach((t, byName) -> byName.keySet().forEach(c ->
                chains.computeIfAbsent(t, k -> new LinkedHashMap<>()).put(c, List.of())));
        return new Rendered(chains, Map.of(), Map.of(), Map.of());
    }

    private Rendered render(String owner) {
        if (owner.equals(STATIC)) {
            return layout.staticPart(new Layout.Inputs(settings, versions(), pools.values(), serviceClusterCidrs));
        }
        if (owner.equals(HOST_SETS)) {
            return new Rendered(Map.of(), Map.of(), Layout.hostSets(nodes.values()), Map.of());
        }
        if (owner.equals(DISPATCH)) {
            return dispatch();
        }
        if (owner.equals(HOSTS)) {
            Map<String, PolicyResolver.Resolution> res = new HashMap<>();
            localHosts.keySet().forEach(k -> res.put(k, active.resolution(k)));
            Map<String, List<Chain>> byTable = layout.hostChains(settings, localHosts, res, hostInterfaces);
            Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
            for (int v : versions()) {
                byTable.forEach((table, list) -> chains.put(new TableKey(v, table), toRules(list)));
            }
            return new Rendered(chains, Map.of(), Map.of(), Map.of());
        }
        if (owner.startsWith("policy:")) {
            String name = owner.substring("policy:".length());
            CalicoPolicy p = policies.get(name);
            if (p == null || !renderedPolicies.contains(name)) {
                return Rendered.empty();
            }
            // felix policy_mgr.go: a policy's chains go into raw, mangle and filter alike; each table writes them
            // only where an endpoint chain of that table jumps to them (see IptablesTable).
            return program(v -> PolicyProgram.of(p, settings.ruleRenderer(), v), false);
        }
        if (owner.startsWith("profile:")) {
            String name = owner.substring("profile:".length());
            if (!renderedProfiles.contains(name)) {
                return Rendered.empty();
            }
            // A profile an endpoint names but the datastore lacks denies everything, both ways (felix
            // calc/active_rules_calculator.go DummyDropRules): the endpoint's later profiles are not reached.
            Profile p = profiles.getOrDefault(name, missingProfile(name));
            return program(v -> PolicyProgram.of(p, settings.ruleRenderer(), v), true);
        }
        if (owner.startsWith("wep/")) {
            WorkloadEndpoint w = localWorkloads.get(owner);
            if (w == null) {
                return Rendered.empty();
            }
            PolicyResolver.Resolution r = active.resolution(owner);
            Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
            for (int v : versions()) {
                chains.put(new TableKey(v, TableKey.FILTER), toRules(layout.workloadChains(settings,
                        w.spec().interfaceName(), r)));
            }
            return new Rendered(chains, Map.of(), Map.of(), Map.of());
        }
        throw new IllegalStateException("unknown owner " + owner);
    }

    private static Profile missingProfile(String name) {
        dev.tabby.model.v3.Rule deny = new dev.tabby.model.v3.Rule("Deny", null, null, null, null, null, null, null,
                null, null);
        return new Profile(dev.tabby.model.v3.ObjectMeta.named(name), new Profile.Spec(List.of(deny), List.of(deny), null));
    }

    private Rendered dispatch() {
        List<String> ifaces = localWorkloads.values().stream().map(PolicyState::iface).filter(Objects::nonNull)
                .filter(x -> !x.isEmpty()).distinct().toList();
        Map<String, List<String>> rules = toRules(layout.workloadDispatch(ifaces));
        Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
        for (int v : versions()) {
            chains.put(new TableKey(v, TableKey.FILTER), rules);
        }
        return new Rendered(chains, Map.of(), Map.of(), Map.of());
    }

    /**
     * A policy's chains in raw, mangle and filter; a profile's in filter, and its outbound chain in mangle too (host
     * endpoints' egress there), as felix policy_mgr.go puts them.
     */
    private Rendered program(java.util.function.IntFunction<PolicyProgram> of, boolean profile) {
        Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
        Map<String, IpSetSpec> sets = new HashMap<>();
        for (int v : versions()) {
            PolicyProgram prog = of.apply(v);
            Map<String, List<String>> rules = toRules(prog.chains());
            chains.put(new TableKey(v, TableKey.FILTER), rules);
            if (profile) {
                Map<String, List<String>> outbound = new LinkedHashMap<>();
                rules.forEach((name, r) -> {
                    if (name.startsWith(dev.tabby.policy.render.ChainNames.PROFILE_OUTBOUND)) {
                        outbound.put(name, r);
                    }
                });
                chains.put(new TableKey(v, TableKey.MANGLE), outbound);
            } else {
                chains.put(new TableKey(v, TableKey.MANGLE), rules);
                chains.put(new TableKey(v, TableKey.RAW), rules);
            }
            sets.putAll(prog.ipSets());
        }
        return new Rendered(chains, sets, Map.of(), Map.of());
    }

    static Map<String, List<String>> toRules(Collection<Chain> chains) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Chain c : chains) {
            List<String> rules = new ArrayList<>(c.rules().size());
            for (IptRule r : c.rules()) {
                rules.add(r.render());
            }
            out.put(c.name(), List.copyOf(rules));
        }
        return out;
    }

    private final Map<String, Map<String, IpSet>> staticSetsByOwner = new HashMap<>();
    private final Map<TableKey, Map<String, Layout.Hook>> hooks = new HashMap<>();

    /** Records the owner's new rendering and writes into {@code out} what differs from its last. */
    private void diffInto(String owner, Rendered now, DataplaneChanges out) {
        Map<TableKey, Map<String, List<String>>> before = rendered.getOrDefault(owner, Map.of());
        for (Map.Entry<TableKey, Map<String, List<String>>> e : before.entrySet()) {
            Map<String, List<String>> after = now.chains().getOrDefault(e.getKey(), Map.of());
            for (String chain : e.getValue().keySet()) {
                if (!after.containsKey(chain)) {
                    out.removeChain(e.getKey(), chain);
                }
            }
        }
        for (Map.Entry<TableKey, Map<String, List<String>>> e : now.chains().entrySet()) {
            Map<String, List<String>> old = before.getOrDefault(e.getKey(), Map.of());
            e.getValue().forEach((chain, rules) -> {
                if (!rules.equals(old.get(chain))) {
                    out.setChain(e.getKey(), chain, rules);
                }
            });
        }
        if (now.chains().isEmpty()) {
            rendered.remove(owner);
        } else {
            rendered.put(owner, now.chains());
        }
        // Selector sets: counted by user, kept while one uses them.
        Set<String> oldSets = setsByOwner.getOrDefault(owner, Set.of());
        Set<String> newSets = now.selectorSets().keySet();
        for (Map.Entry<String, IpSetSpec> s : now.selectorSets().entrySet()) {
            if (!oldSets.contains(s.getKey()) && setRefs.merge(s.getKey(), 1, Integer::sum) == 1) {
                specs.put(s.getKey(), s.getValue());
                ipSets.addSet(s.getValue());
                dirtySets.add(s.getKey());
            }
        }
        for (String id : oldSets) {
            if (!newSets.contains(id) && setRefs.merge(id, -1, Integer::sum) == 0) {
                setRefs.remove(id);
                specs.remove(id);
                ipSets.removeSet(id);
                dirtySets.remove(id);
                for (int v : List.of(4, 6)) {
                    out.removedIpSets.add(IpSetNames.main(v, id));
                    out.ipSets.remove(IpSetNames.main(v, id));
                }
            }
        }
        if (newSets.isEmpty()) {
            setsByOwner.remove(owner);
        } else {
            setsByOwner.put(owner, Set.copyOf(newSets));
        }
        // Static sets (pools, hosts): written whole when they differ.
        Map<String, IpSet> oldStatic = staticSetsByOwner.getOrDefault(owner, Map.of());
        now.staticSets().forEach((name, set) -> {
            if (!set.equals(oldStatic.get(name))) {
                out.ipSets.put(name, set);
                out.removedIpSets.remove(name);
            }
        });
        oldStatic.keySet().stream().filter(n -> !now.staticSets().containsKey(n)).forEach(out.removedIpSets::add);
        if (now.staticSets().isEmpty()) {
            staticSetsByOwner.remove(owner);
        } else {
            staticSetsByOwner.put(owner, Map.copyOf(now.staticSets()));
        }
        if (owner.equals(STATIC)) {
            Set<TableKey> tables = new HashSet<>(hooks.keySet());
            tables.addAll(now.hooks().keySet());
            for (TableKey t : tables) {
                Map<String, Layout.Hook> want = now.hooks().getOrDefault(t, Map.of());
                Map<String, Layout.Hook> had = hooks.getOrDefault(t, Map.of());
                if (!want.equals(had)) {
                    Map<String, Layout.Hook> delta = new HashMap<>();
                    had.keySet().forEach(b -> delta.put(b, new Layout.Hook(List.of(), List.of())));
                    delta.putAll(want);
                    out.hooks.put(t, delta);
                }
            }
            hooks.clear();
            hooks.putAll(now.hooks());
        }
    }

    // ---- views for status and explain --------------------------------------------------------------------------

    /** This node's endpoints, by key ({@code wep/<ns>/<name>}, {@code hep/<name>}). */
    public Map<String, WorkloadEndpoint> localWorkloads() {
        return Map.copyOf(localWorkloads);
    }

    public Map<String, HostEndpoint> localHosts() {
        return Map.copyOf(localHosts);
    }

    public int localEndpointCount() {
        return localWorkloads.size() + localHosts.size();
    }

    /** Each local host endpoint's key to the interfaces it protects (none: it resolved to no interface). */
    public Map<String, Set<String>> hostEndpointInterfaces() {
        Map<String, Set<String>> out = new HashMap<>();
        localHosts.keySet().forEach(k -> out.put(k, new java.util.TreeSet<>()));
        Layout.hostBindings(localHosts, hostInterfaces).forEach((iface, key) -> out.get(key).add(iface));
        return out;
    }

    public PolicyResolver.Resolution resolution(String endpointKey) {
        return active.resolution(endpointKey);
    }

    /** Chains and rules desired now, per table (for counts and the status page). */
    public Map<TableKey, Integer> ruleCounts() {
        Map<TableKey, Integer> out = new TreeMap<>();
        rendered.values().forEach(byTable -> byTable.forEach((t, chains) ->
                chains.values().forEach(r -> out.merge(t, r.size(), Integer::sum))));
        return out;
    }

    public int chainCount() {
        return rendered.values().stream().flatMap(m -> m.values().stream()).mapToInt(Map::size).sum();
    }

    public int ipSetCount() {
        return specs.size() * versions().size()
                + staticSetsByOwner.values().stream().mapToInt(Map::size).sum();
    }

    /** Owners that could not be rendered (rendered empty instead), with why. */
    public Map<String, List<String>> renderProblems() {
        return Map.copyOf(renderProblems);
    }

    /**
     * Flow logs' names of addresses: every workload endpoint's as {@code <namespace>/<name>}, every host endpoint's
     * expected address and every node's addresses as {@code host:<node>}; keys in canonical address text.
     */
    public Map<String, String> endpointNamesByAddress() {
        Map<String, String> out = new HashMap<>();
        for (Node n : nodes.values()) {
            if (n.spec() == null) {
                continue;
            }
            String host = "host:" + n.metadata().name();
            if (n.spec().bgp() != null) {
                nameAddress(out, n.spec().bgp().ipv4Address(), host);
                nameAddress(out, n.spec().bgp().ipv6Address(), host);
                nameAddress(out, n.spec().bgp().ipv4IPIPTunnelAddr(), host);
            }
            nameAddress(out, n.spec().ipv4VXLANTunnelAddr(), host);
        }
        for (Map.Entry<String, Object> e : items.entrySet()) {
            Object item = e.getValue();
            if (item instanceof RemoteWorkload remote && remote.ipNetworks() != null) {
                String name = RemoteWorkload.displayName(e.getKey());
                remote.ipNetworks().forEach(ip -> nameAddress(out, ip, name));
            } else if (item instanceof WorkloadEndpoint w && w.spec() != null && w.spec().ipNetworks() != null) {
                String name = w.metadata().namespace() + "/" + w.metadata().name();
                w.spec().ipNetworks().forEach(ip -> nameAddress(out, ip, name));
            } else if (item instanceof HostEndpoint h && h.spec() != null && h.spec().expectedIPs() != null) {
                h.spec().expectedIPs().forEach(ip -> nameAddress(out, ip, "host:" + h.spec().node()));
            }
        }
        return out;
    }

    /** Changes whenever an endpoint or node (whose addresses {@link #endpointNamesByAddress} names) changes. */
    public long endpointNamesVersion() {
        return namesVersion;
    }

    private long namesVersion;

    private static void nameAddress(Map<String, String> out, String addressOrCidr, String name) {
        if (addressOrCidr == null || addressOrCidr.isBlank()) {
            return;
        }
        String a = addressOrCidr.strip();
        int slash = a.indexOf('/');
        try {
            out.put(dev.tabby.model.net.IpAddress.parse(slash < 0 ? a : a.substring(0, slash)).toString(), name);
        } catch (IllegalArgumentException e) {
            // not an address: names nothing
        }
    }

    /** Policy key names and profile names rendered now (what flow-log verdicts can name). */
    public Set<String> renderedPolicyNames() {
        return renderedPolicies;
    }

    public Set<String> renderedProfileNames() {
        return renderedProfiles;
    }
}
