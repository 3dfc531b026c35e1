package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Label keys in selectors: whatever Calico's tokenizer takes (LabelKeyMatcher, [a-zA-Z0-9_./-]{1,512}). */
class LabelKeysTest {

    static Stream<String> validKeys() {
        return Stream.of(
                "a", "A", "0", "a.b", "a_b", "a-b", "A_b.C-9", "example.com/a", "a/b", "a-b.c-d/e_f",
                "projectcalico.org/namespace", "pcns.kubernetes.io/metadata.name", "calico/k8s_ns",
                // Kubernetes would refuse these as label keys; Calico's selectors take them
                // (libcalico-go validator_test.go: "has(calico/k8s_ns/role)", "has(calico/k8s_NS-.1/role)").
                "calico/k8s_ns/role", "calico/k8s_NS-.1/role", "Example.com/x", "a.", "_a", "a//b", "-a",
                "x".repeat(LabelKeys.MAX_KEY_LENGTH));
    }

    @ParameterizedTest
    @MethodSource("validKeys")
    void acceptsWhatCalicosTokenizerTakes(String key) {
        assertNull(LabelKeys.check(key));
        assertEquals("has(" + key + ")", Selector.parse("has(" + key + ")").toString());
        assertEquals(key + " == \"v\"", Selector.parse(key + "==\"v\"").toString());
    }

    @Test
    void aKeyLongerThan512IsRefusedWhereCalicosTokenizerStops() {
        String key = "k".repeat(LabelKeys.MAX_KEY_LENGTH + 1);
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse("has(" + key + ")"));
        assertEquals(4 + LabelKeys.MAX_KEY_LENGTH, e.position());
        assertEquals("invalid label key '" + "k".repeat(80) + "...': longer than 512 characters", e.reason());
    }
}
