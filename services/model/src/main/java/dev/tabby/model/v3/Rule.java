package dev.tabby.model.v3;

import java.util.List;
import java.util.Map;

/** One policy or profile rule: an action for traffic that matches every criterion given. */
public record Rule(
        String action,
        Integer ipVersion,
        Protocol protocol,
        Protocol notProtocol,
        Icmp icmp,
        Icmp notICMP,
        EntityRule source,
        EntityRule destination,
        Http http,
        Metadata metadata) {

    public static final List<String> ACTIONS = List.of("Allow", "Deny", "Log", "Pass");

    /** ICMP type 0..254 and, only with a type, code 0..255. */
    public record Icmp(Integer type, Integer code) {
    }

    /** The source or destination side of a rule. Every field given must match. */
    public record EntityRule(
            List<String> nets,
            List<String> notNets,
            String selector,
            String notSelector,
            String namespaceSelector,
            List<Port> ports,
            List<Port> notPorts,
            ServiceAccounts serviceAccounts) {
    }

    public record ServiceAccounts(List<String> names, String selector) {
    }

    /** Application-layer match (needs the Envoy integration to enforce). */
    public record Http(List<String> methods, List<PathMatch> paths) {
    }

    public record PathMatch(String exact, String prefix) {
    }

    public record Metadata(Map<String, String> annotations) {
    }

    public Rule withNets(EntityRule newSource, EntityRule newDestination) {
        return new Rule(action, ipVersion, protocol, notProtocol, icmp, notICMP, newSource, newDestination, http, metadata);
    }
}
