package dev.tabby.ipip.agent;

import dev.tabby.dataplane.loop.Backoff;
import dev.tabby.dataplane.loop.LoopSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How one node's IP-in-IP agent runs.
 *
 * @param node                   the node it programs and speaks for
 * @param resyncInterval         how often the kernel is re-read to repair drift (Felix's route refresh, 90 s)
 * @param allocateTunnelAddress  also keep this node's IP-in-IP tunnel address in IPAM and on its Node (calico-node's
 *                               part); off where something else assigns it
 * @param backoff                retry pacing after a failed apply
 * @param mtuFile                where the workload MTU is published for the CNI plugin; null publishes nothing (the
 *                               service sets {@code tabby.ipip.mtu-file}, default /var/lib/tabby/mtu)
 */
public record AgentSettings(String node, Duration resyncInterval, boolean allocateTunnelAddress, Backoff backoff,
                            Path mtuFile) {
    public static final String SERVICE = "ipip-manager";

    public static AgentSettings defaults(String node) {
        return new AgentSettings(node, LoopSettings.DEFAULT_RESYNC_INTERVAL, true, Backoff.DEFAULT, null);
    }

    public AgentSettings withResyncInterval(Duration interval) {
        return new AgentSettings(node, interval, allocateTunnelAddress, backoff, mtuFile);
    }

    public AgentSettings withAllocateTunnelAddress(boolean allocate) {
        return new AgentSettings(node, resyncInterval, allocate, backoff, mtuFile);
    }

    public AgentSettings withMtuFile(Path file) {
        return new AgentSettings(node, resyncInterval, allocateTunnelAddress, backoff, file);
    }

    LoopSettings loopSettings() {
        return new LoopSettings(SERVICE, resyncInterval, backoff);
    }
}
