package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys that Kubernetes accepts must be accepted; the boundaries of its limits are exact. */
class LabelKeysTest {

    static Stream<String> validKeys() {
        String label63 = "a".repeat(63);
        String prefix253 = String.join(".", label63, label63, label63, "a".repeat(61));
        return Stream.of(
                "a", "A", "0", "a.b", "a_b", "a-b", "A_b.C-9", "example.com/a", "a/b", "a-b.c-d/e_f",
                "projectcalico.org/namespace", "pcns.kubernetes.io/metadata.name", "calico/k8s_ns",
                "0a.9/Z", "x".repeat(63), prefix253 + "/" + "z".repeat(63));
    }

    @ParameterizedTest
    @MethodSource("validKeys")
    void acceptsKubernetesQualifiedNames(String key) {
        assertEquals(253, String.join(".", "a".repeat(63), "a".repeat(63), "a".repeat(63), "a".repeat(61))
                .length(), "sanity: the long prefix is exactly at the limit");
        assertNull(LabelKeys.check(key));
        assertEquals("has(" + key + ")", Selector.parse("has(" + key + ")").toString());
        assertEquals(key + " == \"v\"", Selector.parse(key + "==\"v\"").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.", "a_", "_a", ".a", "a/.b", "A/b", "a-/b", "a/b/", "a//b"})
    void rejectsKeysKubernetesRejects(String key) {
        LabelKeys.Problem problem = LabelKeys.check(key);
        assertEquals(true, problem != null, key);
        SelectorException e = org.junit.jupiter.api.Assertions.assertThrows(SelectorException.class,
                () -> Selector.parse("has(" + key + ")"));
        assertEquals(4 + problem.offset(), e.position());
        assertEquals(problem.reason(), e.reason());
    }
}
