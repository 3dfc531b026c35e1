package dev.tabby.policy.render;

import dev.tabby.model.Ascii;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule after the calculation, in the shape of Felix v3.18's proto.Rule (felix proto/felixbackend.proto): the
 * selectors already replaced by IP set IDs, named ports by named-port IP set IDs, protocols in v1 spelling
 * ({@code tcp}, or a number). The renderer reads only this; tests build it directly, as Felix's rules tests do.
 *
 * <p>Fields are public and mutable like the Go struct, because the renderer (like Felix) works on a copy it trims.
 */
public final class ProtoRule {
    /** {@code allow} (or empty), {@code deny}, {@code log}, {@code pass} (or {@code next-tier}). */
    public String action = "";
    /** 4, 6 or null for both. */
    public Integer ipVersion;
    /** A protocol name (lower case, e.g. {@code tcp}) or number ({@code "8"}); null for any. */
    public String protocol;
    public String notProtocol;

    public List<String> srcNet = new ArrayList<>();
    public List<PortRange> srcPorts = new ArrayList<>();
    public List<String> srcNamedPortIpSetIds = new ArrayList<>();
    public List<String> srcIpSetIds = new ArrayList<>();
    public List<String> dstNet = new ArrayList<>();
    public List<PortRange> dstPorts = new ArrayList<>();
    public List<String> dstNamedPortIpSetIds = new ArrayList<>();
    public List<String> dstIpSetIds = new ArrayList<>();
    /** ICMP type, and code (only with a type); null for none. */
    public Integer icmpType;
    public Integer icmpCode;

    public List<String> notSrcNet = new ArrayList<>();
    public List<PortRange> notSrcPorts = new ArrayList<>();
    public List<String> notSrcNamedPortIpSetIds = new ArrayList<>();
    public List<String> notSrcIpSetIds = new ArrayList<>();
    public List<String> notDstNet = new ArrayList<>();
    public List<PortRange> notDstPorts = new ArrayList<>();
    public List<String> notDstNamedPortIpSetIds = new ArrayList<>();
    public List<String> notDstIpSetIds = new ArrayList<>();
    public Integer notIcmpType;
    public Integer notIcmpCode;

    /** Rule metadata annotations, rendered as {@code key=value} comments (insertion order). */
    public Map<String, String> annotations = new LinkedHashMap<>();

    /** A first..last port range, both inclusive; first == last for a single port. */
    public record PortRange(int first, int last) {
        public static PortRange of(int port) {
            return new PortRange(port, port);
        }
    }

    /** Whether the protocol is given by number rather than name. */
    static boolean isNumber(String protocol) {
        return Ascii.isDigits(protocol);
    }

    public ProtoRule copy() {
        ProtoRule r = new ProtoRule();
        r.action = action;
        r.ipVersion = ipVersion;
        r.protocol = protocol;
        r.notProtocol = notProtocol;
        r.srcNet = new ArrayList<>(srcNet);
        r.srcPorts = new ArrayList<>(srcPorts);
        r.srcNamedPortIpSetIds = new ArrayList<>(srcNamedPortIpSetIds);
        r.srcIpSetIds = new ArrayList<>(srcIpSetIds);
        r.dstNet = new ArrayList<>(dstNet);
        r.dstPorts = new ArrayList<>(dstPorts);
        r.dstNamedPortIpSetIds = new ArrayList<>(dstNamedPortIpSetIds);
        r.dstIpSetIds = new ArrayList<>(dstIpSetIds);
        r.icmpType = icmpType;
        r.icmpCode = icmpCode;
        r.notSrcNet = new ArrayList<>(notSrcNet);
        r.notSrcPorts = new ArrayList<>(notSrcPorts);
        r.notSrcNamedPortIpSetIds = new ArrayList<>(notSrcNamedPortIpSetIds);
        r.notSrcIpSetIds = new ArrayList<>(notSrcIpSetIds);
        r.notDstNet = new ArrayList<>(notDstNet);
        r.notDstPorts = new ArrayList<>(notDstPorts);
        r.notDstNamedPortIpSetIds = new ArrayList<>(notDstNamedPortIpSetIds);
        r.notDstIpSetIds = new ArrayList<>(notDstIpSetIds);
        r.notIcmpType = notIcmpType;
        r.notIcmpCode = notIcmpCode;
        r.annotations = new LinkedHashMap<>(annotations);
        return r;
    }
}
