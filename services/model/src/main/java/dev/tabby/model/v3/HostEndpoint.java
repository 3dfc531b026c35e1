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

    /** libcalico-go release-v3.18 lib/validator/v3/validator.go: the spec's tags and validateHostEndpointSpec. */
    @Override
    public HostEndpoint validated(Problems p) {
        if (spec == null) {
            p.error("is required: a HostEndpoint needs spec.node and spec.interfaceName or spec.expectedIPs");
            return this;
        }
        if (spec.node == null || spec.node.isEmpty()) {
            p.at("node").error("is required: the node the interface is on (Calico: no node has been specified)");
        } else {
            Check.nameField(p.at("node"), spec.node);
        }
        boolean noInterface = spec.interfaceName == null || spec.interfaceName.isEmpty();
        boolean noIps = spec.expectedIPs == null || spec.expectedIPs.isEmpty();
        if (noInterface && noIps) {
            p.error("has neither interfaceName nor expectedIPs; give the interface (\"*\" for all) or its addresses"
                    + " (Calico: no interface or expected IPs have been specified)");
        }
        if (!noInterface) {
            Check.interfaceName(p.at("interfaceName"), spec.interfaceName);
        }
        List<String> ips = null;
        if (spec.expectedIPs != null) {
            ips = new ArrayList<>();
            for (int i = 0; i < spec.expectedIPs.size(); i++) {
                String ip = spec.expectedIPs.get(i);
                if (ip == null) {
                    p.at("expectedIPs").at(i).error("is empty; expected an IP address");
                }
                ips.add(Check.address(p.at("expectedIPs").at(i), ip, 0));
            }
        }
        Check.nameFields(p.at("profiles"), spec.profiles);
        EndpointPort.check(p.at("ports"), spec.ports);
        return new HostEndpoint(metadata, new Spec(spec.node, spec.interfaceName, ips, spec.profiles, spec.ports));
    }
}
