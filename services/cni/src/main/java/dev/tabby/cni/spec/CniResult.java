package dev.tabby.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A plugin's success result (spec 1.0.0 "Success"; the IPAM plugin's result is the same without interfaces):
 * interfaces, ips pointing at them by index, routes inside the container. Printed in the caller's cniVersion: before
 * 1.0.0 each ips entry also carries {@code "version": "4"|"6"}.
 */
public record CniResult(List<Iface> interfaces, List<IpConfig> ips, List<RouteEntry> routes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
    }

    /** {@code sandbox} is the container's netns path for interfaces inside it, null for host interfaces. */
    public record Iface(String name, String mac, String sandbox) {
    }

    /** {@code iface} indexes {@link #interfaces}; null when the result names no interface (IPAM results). */
    public record IpConfig(Cidr address, IpAddress gateway, Integer iface) {
    }

    public record RouteEntry(Cidr dst, IpAddress gw) {
    }

    public String toJson(String cniVersion) {
        ObjectNode root = JSON.createObjectNode();
        root.put("cniVersion", cniVersion);
        if (!interfaces.isEmpty()) {
            ArrayNode arr = root.putArray("interfaces");
            for (Iface i : interfaces) {
                ObjectNode o = arr.addObject().put("name", i.name());
                if (i.mac() != null) {
                    o.put("mac", i.mac());
                }
                if (i.sandbox() != null) {
                    o.put("sandbox", i.sandbox());
                }
            }
        }
        ArrayNode ipArr = root.putArray("ips");
        for (IpConfig ip : ips) {
            ObjectNode o = ipArr.addObject();
            if (CniVersions.ipsCarryVersion(cniVersion)) {
                o.put("version", ip.address().isV4() ? "4" : "6");
            }
            o.put("address", ip.address().toString());
            if (ip.gateway() != null) {
                o.put("gateway", ip.gateway().toString());
            }
            if (ip.iface() != null) {
                o.put("interface", ip.iface());
            }
        }
        if (!routes.isEmpty()) {
            ArrayNode arr = root.putArray("routes");
            for (RouteEntry r : routes) {
                ObjectNode o = arr.addObject().put("dst", r.dst().toString());
                if (r.gw() != null) {
                    o.put("gw", r.gw().toString());
                }
            }
        }
        root.putObject("dns");
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException("cannot print a CNI result", e);
        }
    }

    /** Reads a previous result (prevResult, or a delegated IPAM plugin's output). */
    public static CniResult fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "the result to read is not a JSON object: " + node);
        }
        List<Iface> ifaces = new ArrayList<>();
        for (JsonNode i : node.path("interfaces")) {
            ifaces.add(new Iface(i.path("name").asText(null), textOrNull(i, "mac"), textOrNull(i, "sandbox")));
        }
        List<IpConfig> ips = new ArrayList<>();
        for (JsonNode ip : node.path("ips")) {
            try {
                Cidr address = Cidr.parse(ip.path("address").asText(""));
                String gw = textOrNull(ip, "gateway");
                ips.add(new IpConfig(address, gw == null ? null : IpAddress.parse(gw),
                        ip.has("interface") && ip.get("interface").canConvertToInt() ? ip.get("interface").asInt() : null));
            } catch (IllegalArgumentException e) {
                throw new CniError(CniError.INVALID_NETWORK_CONFIG, "result ips entry " + ip + ": " + e.getMessage());
            }
        }
        List<RouteEntry> routes = new ArrayList<>();
        for (JsonNode r : node.path("routes")) {
            try {
                String gw = textOrNull(r, "gw");
                routes.add(new RouteEntry(Cidr.parse(r.path("dst").asText("")), gw == null ? null : IpAddress.parse(gw)));
            } catch (IllegalArgumentException e) {
                throw new CniError(CniError.INVALID_NETWORK_CONFIG, "result routes entry " + r + ": " + e.getMessage());
            }
        }
        return new CniResult(ifaces, ips, routes);
    }

    public static CniResult fromJson(byte[] json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new CniError(CniError.DECODING_FAILURE, "a result is not JSON: " + e.getMessage());
        }
    }

    /** The version-list answer to VERSION. */
    public static String versionJson(String cniVersion) {
        ObjectNode root = JSON.createObjectNode();
        root.put("cniVersion", cniVersion);
        ArrayNode arr = root.putArray("supportedVersions");
        CniVersions.SUPPORTED.forEach(arr::add);
        return root.toString() + "\n";
    }

    /** The error answer: {@code {"cniVersion", "code", "msg", "details"}}. */
    public static String errorJson(String cniVersion, CniError e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("cniVersion", cniVersion);
        root.put("code", e.code());
        root.put("msg", e.msg());
        if (e.details() != null) {
            root.put("details", e.details());
        }
        return root.toString() + "\n";
    }

    private static String textOrNull(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
