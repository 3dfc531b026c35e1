package dev.tabby.bgpspeaker.kernel;

import dev.tabby.model.net.IpAddress;
import java.util.Comparator;
import java.util.List;

/**
 * What the plan needs of this host's kernel; {@link KernelRoutes} reads it before each apply.
 *
 * @param tunl0Index tunl0's ifindex, 0 when the device does not exist
 * @param connected  the networks of this host's addresses, without {@code cali*} and {@code kube-ipvs*} interfaces
 *                   (bird.cfg.template's {@code protocol direct}: {@code interface -"cali*", -"kube-ipvs*", "*"})
 */
public record HostFacts(int tunl0Index, List<ConnectedNetwork> connected) {
    public static final HostFacts NONE = new HostFacts(0, List.of());

    public HostFacts {
        connected = List.copyOf(connected);
    }

    /**
     * The interface a next hop is reached through: the one whose network holds it, the most specific when several do
     * (ties: the lowest ifindex, so every apply picks the same); 0 when none does.
     */
    public int linkFor(IpAddress nextHop) {
        return connected.stream()
                .filter(c -> c.network().contains(nextHop))
                .max(Comparator.comparingInt((ConnectedNetwork c) -> c.network().prefixLength())
                        .thenComparing(Comparator.comparingInt(ConnectedNetwork::linkIndex).reversed()))
                .map(ConnectedNetwork::linkIndex)
                .orElse(0);
    }
}
