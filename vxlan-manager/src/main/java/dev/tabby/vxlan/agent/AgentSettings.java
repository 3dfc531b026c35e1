package dev.tabby.vxlan.agent;

import dev.tabby.dataplane.loop.Backoff;
import dev.tabby.dataplane.loop.LoopSettings;
import java.time.Duration;

/**
 * How one node's VXLAN agent runs.
 *
 * @param node                   the node it programs and speaks for
 * @param resyncInterval         how often the kernel is re-read to repair drift (Felix's route refresh, 90 s)
 * @param allocateTunnelAddress  also keep this node's VXLAN tunnel address in IPAM and on its Node (calico-node's
 *                               part); off where something else assigns it
 * @param backoff                retry pacing after a failed apply
 */
public record AgentSettings(String node, Duration resyncInterval, boolean allocateTunnelAddress, Backoff backoff) {
    public static final String SERVICE = "vxlan-manager";

    public static AgentSettings defaults(String node) {
        return new AgentSettings(node, LoopSettings.DEFAULT_RESYNC_INTERVAL, true, Backoff.DEFAULT);
    }

    public AgentSettings withResyncInterval(Duration interval) {
        return new AgentSettings(node, interval, allocateTunnelAddress, backoff);
    }

    public AgentSettings withAllocateTunnelAddress(boolean allocate) {
        return new AgentSettings(node, resyncInterval, allocate, backoff);
    }

    public AgentSettings withBackoff(Backoff b) {
        return new AgentSettings(node, resyncInterval, allocateTunnelAddress, b);
    }

    LoopSettings loopSettings() {
        return new LoopSettings(SERVICE, resyncInterval, backoff);
    }
}
