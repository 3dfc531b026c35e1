package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.List;

/** A host's interface (or its expected addresses) brought under policy. */
public record HostEndpoint(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(
            String node,
            String interfaceName,
            List<String> expectedIPs,
            List<String> profiles,
            List<EndpointPort> ports) {
    }

    @Override
    public HostEndpoint withMetadata(ObjectMeta m) {
        return new HostEndpoint(m, spec);
    }

    @Override
    public HostEndpoint validated(Problems p) {
        if (spec == null) {
            p.error("is required: a HostEndpoint needs spec.node and spec.interfaceName or spec.expectedIPs");
            return this;
        }
        Check.required(p.at("node"), spec.node);
        boolean noInterface = spec.interfaceName == null || spec.interfaceName.isEmpty();
        boolean noIps = spec.expectedIPs == null || spec.expectedIPs.isEmpty();
        if (noInterface && noIps) {
            p.error("has neither interfaceName nor expectedIPs; give the interface (\"*\" for all) or its addresses");
        }
        if (spec.interfaceName != null && !spec.interfaceName.equals("*")) {
            checkInterfaceName(p.at("interfaceName"), spec.interfaceName);
        }
        List<String> ips = null;
        if (spec.expectedIPs != null) {
            ips = new ArrayList<>();
            for (int i = 0; i < spec.expectedIPs.size(); i++) {
                ips.add(Check.ip(p.at("expectedIPs").at(i), spec.expectedIPs.get(i)));
            }
        }
        Check.resourceNames(p.at("profiles"), spec.profiles);
        EndpointPort.check(p.at("ports"), spec.ports, false);
        return new HostEndpoint(metadata, new Spec(spec.node, spec.interfaceName, ips, spec.profiles, spec.ports));
    }

    /** Linux interface names: 1..15 bytes, no '/', no whitespace. */
    static void checkInterfaceName(Problems p, String name) {
        if (name.isEmpty() || name.length() > 15 || name.contains("/") || name.chars().anyMatch(Character::isWhitespace)
                || name.equals(".") || name.equals("..")) {
            p.error("\"" + name + "\" is not a Linux interface name; 1..15 characters, no '/' or spaces");
        }
    }
}
