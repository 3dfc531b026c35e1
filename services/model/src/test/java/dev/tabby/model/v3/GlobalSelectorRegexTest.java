package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link RuleCheck#combinesGlobal} looks for the four strings libcalico-go release-v3.18 lib/validator/v3/validator.go
 * globalSelectorRegex finds; it must find them wherever the regex does.
 */
class GlobalSelectorRegexTest {
    /** validator.go: andOr is {@code (&&|\|\|)}, globalSelectorRegex {@code %v global\(\)|global\(\) %v}. */
    private static final String AND_OR = "(&&|\\|\\|)";
    private static final Pattern GLOBAL_SELECTOR_REGEX =
            Pattern.compile(String.format("%s global\\(\\)|global\\(\\) %s", AND_OR, AND_OR));

    @Property(tries = 2000)
    void findsWhatTheRegexFinds(@ForAll("selectors") String canonical) {
        boolean regex = GLOBAL_SELECTOR_REGEX.matcher(canonical).find();
        assertEquals(regex, RuleCheck.combinesGlobal(canonical), canonical);
        Statistics.label("combined").collect(regex);
        Statistics.label("combined").coverage(c -> c.check(true).percentage(p -> p >= 20));
    }

    /** Terms joined by operators, spaced as the canonical form spaces them or not; now and then a term cut short. */
    @Provide
    Arbitrary<String> selectors() {
        Arbitrary<String> term = Arbitraries.frequency(Tuple.of(6, "global()"), Tuple.of(2, "all()"),
                Tuple.of(2, "a == 'x'"), Tuple.of(1, "(global())"), Tuple.of(1, "global("), Tuple.of(1, "lobal()"));
        Arbitrary<String> operator = Arbitraries.frequency(Tuple.of(4, " && "), Tuple.of(4, " || "), Tuple.of(1, "&&"),
                Tuple.of(1, "||"), Tuple.of(1, " & "), Tuple.of(1, " | "), Tuple.of(1, " "));
        return term.list().ofMinSize(1).ofMaxSize(4).flatMap(terms -> operator.list().ofSize(terms.size()).map(ops -> {
            StringBuilder s = new StringBuilder(terms.get(0));
            for (int i = 1; i < terms.size(); i++) {
                s.append(ops.get(i)).append(terms.get(i));
            }
            return s.toString();
        }));
    }
}
