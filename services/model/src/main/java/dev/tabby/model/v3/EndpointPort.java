package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/**
 * A named port on a host or workload endpoint, which rules may refer to by name. v3.18's EndpointPort
 * (libcalico-go lib/apis/v3/hostendpoint.go) has exactly these three fields; hostPort and hostIP came in later
 * releases.
 */
public record EndpointPort(String name, Protocol protocol, Integer port) {

    /** validator.go validateEndpointPort, validatePortName and the port's {@code gt=0}. */
    static void check(Problems p, List<EndpointPort> ports) {
        if (ports == null) {
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            EndpointPort port = ports.get(i);
            Problems at = p.at(i);
            if (port == null) {
                at.error("is empty; a port needs name, protocol and port");
                continue;
            }
            if (port.name == null || port.name.isEmpty()) {
                at.at("name").error("is required (Calico: failed to validate field because of tag: portName)");
            } else if (!Names.isPortName(port.name)) {
                at.at("name").error("\"" + port.name + "\" is not a port name; lower-case letters, digits and '-', "
                        + "at most 15 characters, at least one letter (Calico: failed to validate field because of"
                        + " tag: portName)");
            }
            if (port.protocol == null) {
                at.at("protocol").error("is required; one of TCP, UDP, SCTP (Calico: protocol number invalid)");
            } else if (!RuleCheck.supportsPorts(port.protocol)) {
                at.at("protocol").error(port.protocol + " has no ports; allowed: TCP, UDP, SCTP (Calico: EndpointPort"
                        + " protocol does not support ports.)");
            }
            if (port.port == null || port.port == 0) {
                at.at("port").error("is required; 1..65535 (Calico: failed to validate field because of tag: gt)");
            } else {
                Check.range(at.at("port"), port.port, 1, 65535);
            }
        }
    }
}
