package dev.tabby.renderer.state;

import dev.tabby.model.v3.EndpointPort;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.List;
import java.util.Map;

/**
 * What the policy model keeps of another node's workload endpoint: only what its IP set item is made from (felix
 * keeps no more of a remote endpoint: calc/ipset_member_index.go holds labels, nets and ports) and what names its
 * addresses in flow logs. Its namespace and name are in its model key, {@code wep/<ns>/<name>}, and not kept twice.
 * At 50,000 endpoints the whole decoded endpoints were ~40% of policy-renderer's heap (issue 16).
 *
 * @param labels its own labels (shared, {@link ModelStrings})
 * @param ipNetworks its addresses; the IP set item's own list when they are already canonical
 * @param profiles its profiles (shared)
 * @param ports its named ports
 */
record RemoteWorkload(Map<String, String> labels, List<String> ipNetworks, List<String> profiles,
        List<EndpointPort> ports) {

    static RemoteWorkload of(WorkloadEndpoint w, List<String> itemNets, ModelStrings strings) {
        List<String> nets = w.spec().ipNetworks();
        return new RemoteWorkload(strings.of(w.metadata().labels()), itemNets.equals(nets) ? itemNets : nets,
                strings.of(w.spec().profiles()), w.spec().ports());
    }

    /** The endpoint again, as far as the IP set item needs it, for the model key {@code wep/<ns>/<name>}. */
    WorkloadEndpoint endpoint(String modelKey) {
        String id = modelKey.substring(modelKey.indexOf('/') + 1);
        int slash = id.indexOf('/');
        ObjectMeta meta = new ObjectMeta(id.substring(slash + 1), id.substring(0, slash), null, null, null, labels,
                null);
        return new WorkloadEndpoint(meta, new WorkloadEndpoint.Spec(null, null, null, null, null, null, ipNetworks,
                null, null, null, profiles, null, null, ports));
    }

    /** {@code <ns>/<name>}, as flow logs name an endpoint, for the model key. */
    static String displayName(String modelKey) {
        return modelKey.substring(modelKey.indexOf('/') + 1);
    }
}
