package dev.tabby.ipam;

import java.util.ArrayList;
import java.util.List;

/** The addresses {@link Ipam#autoAssign} handed out, by IP version. */
public record AutoAssignResult(List<AssignedAddress> ipv4, List<AssignedAddress> ipv6) {

    public AutoAssignResult {
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }

    public List<AssignedAddress> all() {
        List<AssignedAddress> out = new ArrayList<>(ipv4);
        out.addAll(ipv6);
        return out;
    }
}
