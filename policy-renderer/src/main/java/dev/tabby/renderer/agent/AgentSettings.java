package dev.tabby.renderer.agent;

import dev.tabby.dataplane.iptables.CommandRunner;

/**
 * @param node   the node this agent renders policy for
 * @param runner how iptables and ipset are run: {@link CommandRunner#plain()} on a node (the service already lives in
 *               its node's network namespace); tests pass one that enters a namespace they made
 */
public record AgentSettings(String node, CommandRunner runner) {
    public static AgentSettings of(String node) {
        return new AgentSettings(node, CommandRunner.plain());
    }
}
