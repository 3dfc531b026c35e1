package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys that Kubernetes accepts must be accepted; the boundaries of its limits are exact. */
class LabelKeysTest {

    private static final String LABEL_63 = "a".repeat(63);
    private static final String PREFIX_253 = String.join(".", LABEL_63, LABEL_63, LABEL_63, "a".repeat(61));

    static Stream<String> validKeys() {
        return Stream.of(
                "a", "A", "0", "a.b", "a_b", "a-b", "A_b.C-9", "example.com/a", "a/b", "a-b.c-d/e_f",
                "projectcalico.org/namespace", "pcns.kubernetes.io/metadata.name", "calico/k8s_ns",
                "0a.9/Z", "x".repeat(63), PREFIX_253 + "/" + "z".repeat(63));
    }

    @ParameterizedTest
    @MethodSource("validKeys")
    void acceptsKubernetesQualifiedNames(String key) {
        assertNull(LabelKeys.check(key));
        assertEquals("has(" + key + ")", Selector.parse("has(" + key + ")").toString());
        assertEquals(key + " == \"v\"", Selector.parse(key + "==\"v\"").toString());
    }

    @Test
    void limitsAreExactlyKubernetes() {
        assertEquals(253, PREFIX_253.length());
        assertNull(LabelKeys.check(PREFIX_253 + "/" + LABEL_63));
        assertNotNull(LabelKeys.check("a" + PREFIX_253 + "/b"));
        assertNotNull(LabelKeys.check(LABEL_63 + "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.", "a_", "_a", ".a", "a/.b", "A/b", "a-/b", "a/b/", "a//b"})
    void rejectsKeysKubernetesRejects(String key) {
        LabelKeys.Problem problem = LabelKeys.check(key);
        assertNotNull(problem, key);
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse("has(" + key + ")"));
        assertEquals(4 + problem.offset(), e.position());
        assertEquals(problem.reason(), e.reason());
    }
}
