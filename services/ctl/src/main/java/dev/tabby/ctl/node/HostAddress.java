package dev.tabby.ctl.node;

import dev.tabby.model.net.Cidr;

/** An address found on a host interface, with its prefix length (kept, as Node.spec.bgp.ipv4Address wants it). */
public record HostAddress(String interfaceName, Cidr address) {
    @Override
    public String toString() {
        return address + " on " + interfaceName;
    }
}
