package dev.tabby.renderer.agent;

import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.netlink.Netlink;
import java.nio.file.Path;

/**
 * @param node   the node this agent renders policy for
 * @param runner how iptables, ipset and sysctl are run: {@link CommandRunner#plain()} on a node (the service already
 *               lives in its node's network namespace); tests pass one that enters a namespace they made
 * @param netns  the namespace whose links are watched: null on a node (the service's own), the test's otherwise
 */
public record AgentSettings(String node, CommandRunner runner, Path netns) {
    public static AgentSettings of(String node) {
        return new AgentSettings(node, CommandRunner.plain(), null);
    }

    /** An agent for the named namespace ({@code ip netns add NAME}) while the agent's process stays outside it. */
    public static AgentSettings inNamespace(String node, String namespace) {
        return new AgentSettings(node, CommandRunner.inNamespace(namespace), Path.of("/run/netns", namespace));
    }

    Netlink openNetlink() {
        return netns == null ? Netlink.open() : Netlink.at(netns);
    }
}
