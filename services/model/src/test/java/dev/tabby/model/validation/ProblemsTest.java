package dev.tabby.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The paths problems are reported at, which tabbyctl prints and tests match: spelling them late (and telling a plain
 * map key by hand rather than by regex) must not change one character of them.
 */
class ProblemsTest {

    @Example
    void fieldsIndexesAndKeysAreSpelledAsBefore() {
        Problems root = new Problems();
        assertEquals("", root.path());
        assertEquals("spec.labels.app", root.at("spec").at("labels").atKey("app").path());
        assertEquals("metadata.labels[\"a/b\"]", root.at("metadata").at("labels").atKey("a/b").path());
        assertEquals("metadata.labels[\"app.kubernetes.io/name\"]",
                root.at("metadata").at("labels").atKey("app.kubernetes.io/name").path());
        assertEquals("spec.profiles[2]", root.at("spec").at("profiles").at(2).path());
        assertEquals("spec.ingress[0].source.nets[1]",
                root.at("spec").at("ingress").at(0).at("source").at("nets").at(1).path());
        assertEquals("spec.ipNetworks[3][4]", root.at("spec").at("ipNetworks").at(3).at(4).path());
        assertEquals("metadata.annotations[\"x.y\"].z", root.at("metadata").at("annotations").atKey("x.y").at("z").path());
        assertEquals("[0]", root.at(0).path());
        assertEquals("[0].a", root.at(0).at("a").path());
        assertEquals("[\"a b\"]", root.atKey("a b").path());
        assertEquals("pod-template_hash", root.atKey("pod-template_hash").path());
        assertEquals("[\"\"]", root.atKey("").path());
        assertEquals("[\"café\"]", root.atKey("café").path());
    }

    @Example
    void problemsCarryTheirPathAndHasErrorsSeesOnlyItsOwn() {
        Problems root = new Problems();
        Problems nets = root.at("spec").at("ipNetworks");
        assertFalse(nets.at(1).hasErrors());
        nets.at(1).error("bad");
        root.at("metadata").at("labels").atKey("a/b").warn("odd");
        assertEquals(List.of(new Problem("spec.ipNetworks[1]", "bad", true)), root.errors());
        assertEquals(List.of(new Problem("metadata.labels[\"a/b\"]", "odd", false)), root.warnings());
        assertTrue(nets.at(1).hasErrors());
        assertTrue(nets.hasErrors());
        assertFalse(nets.at(10).hasErrors());
        assertFalse(nets.at(0).hasErrors());
        assertFalse(root.at("metadata").hasErrors());
        assertTrue(root.hasErrors());
    }

    /** Any walk spells the path the eager rules did: "." before a field, "[i]" for an index, quoted odd keys. */
    @Property(tries = 1000)
    void anyWalkIsSpelledAsTheEagerRulesDid(@ForAll("walks") List<Object> steps) {
        Problems view = new Problems();
        String expected = "";
        for (Object step : steps) {
            String segment;
            boolean field;
            if (step instanceof Integer i) {
                view = view.at(i);
                segment = "[" + i + "]";
                field = false;
            } else if (step instanceof Key k) {
                view = view.atKey(k.key());
                field = Pattern.matches("[A-Za-z0-9_-]+", k.key());
                segment = field ? k.key() : "[\"" + k.key() + "\"]";
            } else {
                view = view.at((String) step);
                segment = (String) step;
                field = true;
            }
            expected = expected.isEmpty() ? segment : field ? expected + "." + segment : expected + segment;
        }
        assertEquals(expected, view.path());
    }

    record Key(String key) {
    }

    @Provide
    Arbitrary<List<Object>> walks() {
        Arbitrary<Object> field = Arbitraries.of("spec", "metadata", "labels", "ports", "nets").map(f -> (Object) f);
        Arbitrary<Object> index = Arbitraries.integers().between(0, 12).map(i -> (Object) i);
        Arbitrary<Object> key = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars('-', '_', '.', '/', ' ', 'é').ofMinLength(0).ofMaxLength(12)
                .map(k -> (Object) new Key(k));
        return Arbitraries.frequencyOf(Tuple.of(2, field), Tuple.of(2, index), Tuple.of(3, key)).list().ofMaxSize(6);
    }
}
