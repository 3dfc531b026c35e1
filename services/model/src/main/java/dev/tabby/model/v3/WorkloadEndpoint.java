package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.List;

/** One interface of a workload (pod, container, VM): its addresses, host-side interface and profiles. */
public record WorkloadEndpoint(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(
            String orchestrator,
            String workload,
            String node,
            String containerID,
            String pod,
            String endpoint,
            List<String> ipNetworks,
            List<IPNAT> ipNATs,
            String ipv4Gateway,
            String ipv6Gateway,
            List<String> profiles,
            String interfaceName,
            String mac,
            List<EndpointPort> ports) {
    }

    /** A one-to-one NAT: traffic to {@code externalIP} goes to {@code internalIP}. */
    public record IPNAT(String internalIP, String externalIP) {
    }

    @Override
    public WorkloadEndpoint withMetadata(ObjectMeta m) {
        return new WorkloadEndpoint(m, spec);
    }

    @Override
    public WorkloadEndpoint validated(Problems p) {
        if (spec == null) {
            p.error("is required: a WorkloadEndpoint needs spec.node, spec.interfaceName and spec.ipNetworks");
            return this;
        }
        Check.required(p.at("node"), spec.node);
        Check.required(p.at("interfaceName"), spec.interfaceName);
        if (spec.interfaceName != null) {
            HostEndpoint.checkInterfaceName(p.at("interfaceName"), spec.interfaceName);
        }
        List<String> nets = Check.cidrs(p.at("ipNetworks"), spec.ipNetworks, true);
        List<IPNAT> nats = null;
        if (spec.ipNATs != null) {
            nats = new ArrayList<>();
            for (int i = 0; i < spec.ipNATs.size(); i++) {
                IPNAT nat = spec.ipNATs.get(i);
                Problems at = p.at("ipNATs").at(i);
                if (nat == null) {
                    at.error("is empty");
                    continue;
                }
                Check.required(at.at("internalIP"), nat.internalIP);
                Check.required(at.at("externalIP"), nat.externalIP);
                nats.add(new IPNAT(Check.ip(at.at("internalIP"), nat.internalIP), Check.ip(at.at("externalIP"), nat.externalIP)));
            }
        }
        Check.resourceNames(p.at("profiles"), spec.profiles);
        EndpointPort.check(p.at("ports"), spec.ports, true);
        return new WorkloadEndpoint(metadata, new Spec(spec.orchestrator, spec.workload, spec.node, spec.containerID,
                spec.pod, spec.endpoint, nets, nats,
                Check.ipOfVersion(p.at("ipv4Gateway"), spec.ipv4Gateway, 4),
                Check.ipOfVersion(p.at("ipv6Gateway"), spec.ipv6Gateway, 6),
                spec.profiles, spec.interfaceName, Check.mac(p.at("mac"), spec.mac), spec.ports));
    }
}
