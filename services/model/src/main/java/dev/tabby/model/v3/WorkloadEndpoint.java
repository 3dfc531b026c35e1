package dev.tabby.model.v3;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
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

    /**
     * libcalico-go release-v3.18 lib/validator/v3/validator.go: the spec's tags, validateIPNAT and
     * validateWorkloadEndpointSpec. spec.node is required as calicoctl's client requires it
     * (lib/clientv3/workloadendpoint.go assignOrValidateName), though the validator alone does not.
     */
    @Override
    public WorkloadEndpoint validated(Problems p) {
        if (spec == null) {
            p.error("is required: a WorkloadEndpoint needs spec.node, spec.interfaceName and spec.ipNetworks");
            return this;
        }
        Check.required(p.at("node"), spec.node);
        Check.nameField(p.at("node"), spec.node);
        Check.nameField(p.at("orchestrator"), spec.orchestrator);
        Check.nameField(p.at("workload"), spec.workload);
        Check.nameField(p.at("pod"), spec.pod);
        Check.nameField(p.at("endpoint"), spec.endpoint);
        if (spec.containerID != null && !spec.containerID.isEmpty()) {
            String why = Names.checkContainerId(spec.containerID);
            if (why != null) {
                p.at("containerID").error("\"" + spec.containerID + "\" " + why);
            }
        }
        if (spec.interfaceName == null || spec.interfaceName.isEmpty()) {
            p.at("interfaceName").error("is required: the host side of the workload's veth, e.g. cali0ef24b1 (Calico:"
                    + " failed to validate field because of tag: interface)");
        } else {
            Check.interfaceName(p.at("interfaceName"), spec.interfaceName);
        }
        List<String> nets = Check.nets(p.at("ipNetworks"), spec.ipNetworks, "net");
        if (nets != null) {
            for (int i = 0; i < nets.size(); i++) {
                Problems at = p.at("ipNetworks").at(i);
                if (nets.get(i) != null && !at.hasErrors()) {
                    Cidr c = Cidr.parseCidrOrIp(nets.get(i));
                    if (c.prefixLength() != (c.isV4() ? 32 : 128)) {
                        at.error(nets.get(i) + " holds more than one address; an endpoint's networks are /32 or /128"
                                + " (Calico: IP network contains multiple addresses)");
                    }
                }
            }
        }
        List<IPNAT> nats = ipNats(p.at("ipNATs"), spec.ipNATs, nets);
        Check.nameFields(p.at("profiles"), spec.profiles);
        EndpointPort.check(p.at("ports"), spec.ports);
        return new WorkloadEndpoint(metadata, new Spec(spec.orchestrator, spec.workload, spec.node, spec.containerID,
                spec.pod, spec.endpoint, nets, nats,
                Check.address(p.at("ipv4Gateway"), spec.ipv4Gateway, 4),
                Check.address(p.at("ipv6Gateway"), spec.ipv6Gateway, 6),
                spec.profiles, spec.interfaceName, Check.mac(p.at("mac"), spec.mac), spec.ports));
    }

    /** Each NAT's addresses are of one IP version, and its internal address is one of the endpoint's networks. */
    private static List<IPNAT> ipNats(Problems p, List<IPNAT> given, List<String> nets) {
        if (given == null) {
            return null;
        }
        List<IPNAT> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            IPNAT nat = given.get(i);
            Problems at = p.at(i);
            if (nat == null) {
                at.error("is empty; a NAT needs internalIP and externalIP");
                continue;
            }
            String internal = natAddress(at.at("internalIP"), nat.internalIP);
            String external = natAddress(at.at("externalIP"), nat.externalIP);
            out.add(new IPNAT(internal, external));
            if (at.hasErrors()) {
                continue;
            }
            if (Check.versionOf(internal) != Check.versionOf(external)) {
                at.at("externalIP").error(external + " is not of the same IP version as internalIP " + internal
                        + " (Calico: mismatched IP versions)");
            }
            IpAddress inside = IpAddress.parse(internal);
            boolean covered = nets != null && nets.stream().anyMatch(n -> n != null && Check.versionOf(n) != 0
                    && Cidr.parseCidrOrIp(n).contains(inside));
            if (!covered) {
                at.at("internalIP").error(internal + " is not one of the endpoint's ipNetworks (Calico: NAT is not in the"
                        + " endpoint networks)");
            }
        }
        return out;
    }

    private static String natAddress(Problems p, String value) {
        if (value == null || value.isEmpty()) {
            p.error("is required (Calico: invalid IP address)");
            return value;
        }
        return Check.address(p, value, 0);
    }
}
