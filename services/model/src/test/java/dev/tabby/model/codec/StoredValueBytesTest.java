package dev.tabby.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.v3.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Stored values are parsed from their bytes (issue 16), and read exactly as the text path read them: what is not
 * UTF-8 JSON reads as it did, with U+FFFD for a bad byte, as Go's encoding/json reads it (libcalico-go release-v3.18
 * lib/backend/model/keys.go ParseValue), and a UTF-16 value, which Jackson would detect from bytes, stays refused.
 */
class StoredValueBytesTest {
    private static final String KEY = "/calico/resources/v3/projectcalico.org/nodes/n1";

    @Test
    void aValueReadFromItsBytesIsTheValueReadFromItsText() {
        byte[] value = """
                {"apiVersion":"projectcalico.org/v3","kind":"Node","metadata":{"name":"n1","annotations":{"zone":"b\u00e9ta"}},
                 "spec":{"bgp":{"ipv4Address":"10.0.0.1/24"}}}""".getBytes(StandardCharsets.UTF_8);

        var node = ResourceCodec.fromStoredValue(Kind.NODE, value, 7, KEY);

        assertEquals("b\u00e9ta", node.metadata().annotations().get("zone"));
        assertEquals("7", node.metadata().resourceVersion());
    }

    @Test
    void aByteThatIsNotUtf8ReadsAsTheReplacementCharacterAsBefore() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\",\"annotations\":{\"note\":\"a"
                .getBytes(StandardCharsets.UTF_8));
        out.write(0xff);
        out.writeBytes("b\"}}}".getBytes(StandardCharsets.UTF_8));

        var node = ResourceCodec.fromStoredValue(Kind.NODE, out.toByteArray(), 7, KEY);

        assertEquals("a\ufffdb", node.metadata().annotations().get("note"));
    }

    @Test
    void aUtf16ValueStaysRefused() {
        byte[] value = "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}"
                .getBytes(StandardCharsets.UTF_16LE);

        ManifestException e = assertThrows(ManifestException.class,
                () -> ResourceCodec.fromStoredValue(Kind.NODE, value, 7, KEY));

        assertTrue(e.problems().get(0).startsWith("etcd key " + KEY + ": not JSON: "), e.problems().toString());
    }
}
