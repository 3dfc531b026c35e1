package dev.tabby.model.v3;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.validation.Problem;
import dev.tabby.model.validation.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a stored Node that the overlays route by, read straight from the etcd value with a streaming parser
 * instead of building and validating the whole Node (issue 16: at 1,000 nodes the full codec took longer than writing
 * every route). Each field read is checked as {@link Node#validated} checks it, so a bad value is refused with the
 * same one-line message naming the key and the field; the fields not read are skipped unchecked (Felix's syncer
 * does not validate Nodes at all: libcalico-go lib/backend/syncersv1/updateprocessors hands the v3 Node on as is).
 *
 * @param name                {@code metadata.name}
 * @param ipv4Address         {@code spec.bgp.ipv4Address}, canonical (address/prefix), or null
 * @param ipv4IPIPTunnelAddr  {@code spec.bgp.ipv4IPIPTunnelAddr}, canonical, or null
 * @param ipv4VXLANTunnelAddr {@code spec.ipv4VXLANTunnelAddr}, canonical, or null
 * @param vxlanTunnelMACAddr  {@code spec.vxlanTunnelMACAddr}, lower case with colons, or null
 */
public record NodeRoutingFields(String name, String ipv4Address, String ipv4IPIPTunnelAddr, String ipv4VXLANTunnelAddr,
                                String vxlanTunnelMACAddr) {
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Reads one etcd value of a Node.
     *
     * @param key the etcd key, for the message
     * @throws ManifestException naming the key and each problem: not JSON, not a v3 Node, no name, or a field above
     *                           that does not hold what it must
     */
    public static NodeRoutingFields read(byte[] value, String key) {
        Reader r = new Reader();
        try (JsonParser p = JSON.createParser(value)) {
            r.document(p);
        } catch (JsonProcessingException e) {
            throw new ManifestException(List.of("etcd key " + key + ": not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading etcd key " + key + " from memory", e);
        }
        return r.result(key);
    }

    /** Collects the raw fields, then checks them. */
    private static final class Reader {
        private final Problems problems = new Problems();
        private String apiVersion;
        private String kind;
        private String name;
        private String ipv4Address;
        private String ipip;
        private String vxlan;
        private String mac;

        void document(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                problems.error("expected a mapping with apiVersion, kind, metadata and spec");
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "apiVersion" -> apiVersion = text(p, t, problems.at("apiVersion"));
                    case "kind" -> kind = text(p, t, problems.at("kind"));
                    case "metadata" -> object(p, t, problems.at("metadata"), (f, tt) -> {
                        if (f.equals("name")) {
                            name = text(p, tt, problems.at("metadata").at("name"));
                        } else {
                            p.skipChildren();
                        }
                    });
                    case "spec" -> spec(p, t);
                    default -> p.skipChildren();
                }
            }
        }

        private void spec(JsonParser p, JsonToken t) throws IOException {
            Problems at = problems.at("spec");
            object(p, t, at, (f, tt) -> {
                switch (f) {
                    case "bgp" -> object(p, tt, at.at("bgp"), (g, gt) -> {
                        switch (g) {
                            case "ipv4Address" -> ipv4Address = text(p, gt, at.at("bgp").at("ipv4Address"));
                            case "ipv4IPIPTunnelAddr" -> ipip = text(p, gt, at.at("bgp").at("ipv4IPIPTunnelAddr"));
                            default -> p.skipChildren();
                        }
                    });
                    case "ipv4VXLANTunnelAddr" -> vxlan = text(p, tt, at.at("ipv4VXLANTunnelAddr"));
                    case "vxlanTunnelMACAddr" -> mac = text(p, tt, at.at("vxlanTunnelMACAddr"));
                    default -> p.skipChildren();
                }
            });
        }

        NodeRoutingFields result(String key) {
            if (apiVersion == null) {
                problems.at("apiVersion").error("is required: use " + Resource.API_VERSION);
            } else if (!apiVersion.equals(Resource.API_VERSION)) {
                problems.at("apiVersion").error("\"" + apiVersion + "\" is not supported; use " + Resource.API_VERSION);
            }
            if (kind != null && !kind.equals(Kind.NODE.kindName())) {
                throw new ManifestException(List.of("etcd key " + key + ": holds a " + kind + ", expected a "
                        + Kind.NODE.kindName()));
            }
            if (kind == null) {
                problems.at("kind").error("is required; one of " + Kind.allKindNames());
            }
            if (name == null || name.isEmpty()) {
                problems.at("metadata").at("name").error("is required");
            }
            Problems spec = problems.at("spec");
            Problems bgp = spec.at("bgp");
            // The same checks, and so the same messages, as Node.validated.
            String address = Check.ipWithPrefix(bgp.at("ipv4Address"), ipv4Address, 4);
            String ipipAddress = Check.address(bgp.at("ipv4IPIPTunnelAddr"), ipip, 4);
            String vxlanAddress = Check.address(spec.at("ipv4VXLANTunnelAddr"), vxlan, 4);
            String macAddress = Check.mac(spec.at("vxlanTunnelMACAddr"), mac);
            if (problems.hasErrors()) {
                List<String> lines = new ArrayList<>();
                for (Problem e : problems.errors()) {
                    lines.add("etcd key " + key + ": " + e);
                }
                throw new ManifestException(lines);
            }
            return new NodeRoutingFields(name, address, ipipAddress, vxlanAddress, macAddress);
        }
    }

    @FunctionalInterface
    private interface FieldReader {
        void field(String name, JsonToken value) throws IOException;
    }

    /** Walks an object's fields; null counts as absent, anything else that is not an object is reported. */
    private static void object(JsonParser p, JsonToken t, Problems at, FieldReader each) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            at.error("expected a mapping");
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            each.field(field, p.nextToken());
        }
    }

    /** A string field; null counts as absent, anything else is reported. */
    private static String text(JsonParser p, JsonToken t, Problems at) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t != JsonToken.VALUE_NULL) {
            at.error("expected a string");
            p.skipChildren();
        }
        return null;
    }
}
