package dev.tabby.policy.render;

import dev.tabby.policy.render.ProtoRule.PortRange;

import java.util.ArrayList;
import java.util.List;

import static dev.tabby.policy.render.Marks.hex;

/** iptables match fragments in felix iptables/match_builder.go's exact syntax; immutable, each call returns a copy. */
public final class Match {
    private final List<String> fragments;

    private Match(List<String> fragments) {
        this.fragments = fragments;
    }

    public static Match match() {
        return new Match(List.of());
    }

    public List<String> fragments() {
        return fragments;
    }

    private Match with(String fragment) {
        List<String> next = new ArrayList<>(fragments.size() + 1);
        next.addAll(fragments);
        next.add(fragment);
        return new Match(List.copyOf(next));
    }

    public Match markClear(int mark) {
        return with("-m mark --mark 0/" + hex(mark));
    }

    public Match markSingleBitSet(int mark) {
        if (Integer.bitCount(mark) != 1) {
            throw new IllegalArgumentException("markSingleBitSet needs exactly one bit, got " + hex(mark));
        }
        return with("-m mark --mark " + hex(mark) + "/" + hex(mark));
    }

    public Match protocol(String nameOrNumber) {
        return with("-p " + nameOrNumber);
    }

    public Match notProtocol(String nameOrNumber) {
        return with("! -p " + nameOrNumber);
    }

    public Match sourceNet(String net) {
        return with("--source " + net);
    }

    public Match notSourceNet(String net) {
        return with("! --source " + net);
    }

    public Match destNet(String net) {
        return with("--destination " + net);
    }

    public Match notDestNet(String net) {
        return with("! --destination " + net);
    }

    public Match sourceIpSet(String name) {
        return with("-m set --match-set " + name + " src");
    }

    public Match notSourceIpSet(String name) {
        return with("-m set ! --match-set " + name + " src");
    }

    public Match sourceIpPortSet(String name) {
        return with("-m set --match-set " + name + " src,src");
    }

    public Match notSourceIpPortSet(String name) {
        return with("-m set ! --match-set " + name + " src,src");
    }

    public Match destIpSet(String name) {
        return with("-m set --match-set " + name + " dst");
    }

    public Match notDestIpSet(String name) {
        return with("-m set ! --match-set " + name + " dst");
    }

    public Match destIpPortSet(String name) {
        return with("-m set --match-set " + name + " dst,dst");
    }

    public Match notDestIpPortSet(String name) {
        return with("-m set ! --match-set " + name + " dst,dst");
    }

    public Match sourcePortRanges(List<PortRange> ports) {
        return with("-m multiport --source-ports " + multiport(ports));
    }

    public Match notSourcePortRanges(List<PortRange> ports) {
        return with("-m multiport ! --source-ports " + multiport(ports));
    }

    public Match destPortRanges(List<PortRange> ports) {
        return with("-m multiport --destination-ports " + multiport(ports));
    }

    public Match notDestPortRanges(List<PortRange> ports) {
        return with("-m multiport ! --destination-ports " + multiport(ports));
    }

    public Match icmpType(int type) {
        return with("-m icmp --icmp-type " + type);
    }

    public Match notIcmpType(int type) {
        return with("-m icmp ! --icmp-type " + type);
    }

    public Match icmpTypeAndCode(int type, int code) {
        return with("-m icmp --icmp-type " + type + "/" + code);
    }

    public Match notIcmpTypeAndCode(int type, int code) {
        return with("-m icmp ! --icmp-type " + type + "/" + code);
    }

    public Match icmpV6Type(int type) {
        return with("-m icmp6 --icmpv6-type " + type);
    }

    public Match notIcmpV6Type(int type) {
        return with("-m icmp6 ! --icmpv6-type " + type);
    }

    public Match icmpV6TypeAndCode(int type, int code) {
        return with("-m icmp6 --icmpv6-type " + type + "/" + code);
    }

    public Match notIcmpV6TypeAndCode(int type, int code) {
        return with("-m icmp6 ! --icmpv6-type " + type + "/" + code);
    }

    /** felix iptables PortRangessToMultiport: "80", "8000:8080", comma-separated. */
    static String multiport(List<PortRange> ports) {
        StringBuilder out = new StringBuilder();
        for (PortRange p : ports) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(p.first());
            if (p.first() != p.last()) {
                out.append(':').append(p.last());
            }
        }
        return out.toString();
    }

    public String render() {
        return String.join(" ", fragments);
    }
}
