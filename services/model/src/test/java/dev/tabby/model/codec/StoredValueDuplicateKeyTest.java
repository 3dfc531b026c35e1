package dev.tabby.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadContext;
import dev.tabby.model.v3.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A value in etcd that repeats a key in any object is refused, with the parser's message, although stored values
 * are read with the tree's duplicate check instead of the parser's (issue 16). Calico is laxer here: libcalico-go
 * release-v3.18 lib/backend/model/keys.go ParseValue uses encoding/json, which keeps the last duplicate; Tabby
 * refuses them, in manifests and in etcd alike.
 */
class StoredValueDuplicateKeyTest {
    private static final String KEY = "/calico/resources/v3/projectcalico.org/nodes/n1";

    static Stream<Arguments> duplicates() {
        return Stream.of(
                Arguments.of("the top level", "kind", """
                        {"apiVersion":"projectcalico.org/v3","kind":"Node","kind":"Node","metadata":{"name":"n1"}}"""),
                Arguments.of("an object's first two keys", "name", """
                        {"apiVersion":"projectcalico.org/v3","kind":"Node","metadata":{"name":"n1","name":"n2"}}"""),
                Arguments.of("a label past the third", "a", """
                        {"apiVersion":"projectcalico.org/v3","kind":"Node",
                         "metadata":{"name":"n1","labels":{"a":"1","b":"2","c":"3","d":"4","a":"5"}}}"""),
                Arguments.of("a list item", "nodeName", """
                        {"apiVersion":"projectcalico.org/v3","kind":"Node","metadata":{"name":"n1"},
                         "spec":{"orchRefs":[{"nodeName":"n1","orchestrator":"k8s","nodeName":"n2"}]}}"""),
                Arguments.of("a first value of null", "ipv4Address", """
                        {"apiVersion":"projectcalico.org/v3","kind":"Node","metadata":{"name":"n1"},
                         "spec":{"bgp":{"ipv4Address":null,"ipv4Address":"10.0.0.1/24"}}}"""),
                Arguments.of("a value cut short after it", "a", """
                        {"apiVersion":"projectcalico.org/v3","kind":"Node","metadata":{"name":"n1",
                         "labels":{"a":"1","a":"2\""""));
    }

    @ParameterizedTest(name = "a duplicate in {0}")
    @MethodSource("duplicates")
    void isRefusedWithTheParsersMessage(String where, String field, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of("etcd key " + KEY + ": not JSON: Duplicate field '" + field + "'");
        assertEquals(expected, assertThrows(ManifestException.class,
                () -> ResourceCodec.fromStoredValue(Kind.NODE, bytes, 7, KEY)).problems());
        assertEquals(expected, assertThrows(ManifestException.class,
                () -> ResourceCodec.readStored(Kind.NODE, bytes, 7, KEY)).problems());
    }

    @Test
    void theSameKeyInSeparateObjectsIsNoDuplicate() {
        byte[] value = """
                {"apiVersion":"projectcalico.org/v3","kind":"Node","metadata":{"name":"n1","labels":{"name":"x"}},
                 "spec":{"orchRefs":[{"nodeName":"n1","orchestrator":"k8s"},{"nodeName":"n1","orchestrator":"os"}]}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("n1", ResourceCodec.fromStoredValue(Kind.NODE, value, 7, KEY).name());
    }

    /** The saving itself: the stored-value reader's parser keeps no set of seen keys per object. */
    @Test
    void theStoredTreeReaderLeavesDuplicatesToTheTree() throws IOException {
        try (JsonParser p = Mappers.JSON_STORED_TREE.createParser("{\"a\":1}")) {
            assertNull(((JsonReadContext) p.getParsingContext()).getDupDetector());
        }
    }
}
