package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;

/**
 * What an IP set holds (felix calc/rule_scanner.go IPSetData): the addresses of everything a selector matches
 * (type hash:net), or, with a named port, the (address, protocol, port) of every matching endpoint that has a port of
 * that name (type hash:ip,port).
 *
 * @param namedPortProtocol {@code tcp}, {@code udp} or {@code sctp} with a named port; null otherwise
 */
public record IpSetSpec(Selector selector, String namedPort, String namedPortProtocol) {

    public static IpSetSpec forSelector(Selector selector) {
        return new IpSetSpec(selector, null, null);
    }

    public boolean isNamedPort() {
        return namedPort != null;
    }

    /**
     * felix IPSetData.UniqueID: the selector's ID {@code MakeUniqueID("s", selector.String())}; for a named port
     * {@code MakeUniqueID("n", selectorID + "," + protocol + "," + portName)}.
     */
    public String id() {
        String selectorId = Hashes.uniqueId("s", selector.toString());
        if (namedPort == null) {
            return selectorId;
        }
        return Hashes.uniqueId("n", selectorId + "," + namedPortProtocol + "," + namedPort);
    }
}
