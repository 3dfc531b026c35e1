package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/**
 * A named port on an endpoint, which rules may refer to by name. {@code hostPort} and {@code hostIP} exist on
 * workload endpoints only (a container's published port).
 */
public record EndpointPort(String name, Protocol protocol, Integer port, Integer hostPort, String hostIP) {

    static void check(Problems p, List<EndpointPort> ports, boolean hostPortsAllowed) {
        if (ports == null) {
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            EndpointPort port = ports.get(i);
            Problems at = p.at(i);
            if (port == null) {
                at.error("is empty");
                continue;
            }
            Check.required(at.at("name"), port.name);
            if (port.name != null && !Names.isPortName(port.name)) {
                at.at("name").error("\"" + port.name + "\" is not a port name; lower-case letters, digits and '-', "
                        + "at most 15 characters, at least one letter");
            }
            Check.required(at.at("protocol"), port.protocol);
            if (port.protocol != null && !port.protocol.hasPorts()) {
                at.at("protocol").error(port.protocol + " has no ports; allowed: TCP, UDP, SCTP, UDPLite");
            }
            Check.required(at.at("port"), port.port);
            Check.range(at.at("port"), port.port, 1, 65535);
            if (!hostPortsAllowed && (port.hostPort != null || port.hostIP != null)) {
                at.error("hostPort and hostIP are only allowed on workload endpoints");
            }
            Check.range(at.at("hostPort"), port.hostPort, 1, 65535);
            Check.ip(at.at("hostIP"), port.hostIP);
        }
    }
}
