package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.model.validation.Problem;
import dev.tabby.model.validation.Problems;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link Check#mac} reads a MAC by hand (it runs for every WorkloadEndpoint and Node); it must answer as the regex
 * reading it replaced did, itself Go's net.ParseMAC as validator.go validateMAC calls it: 6, 8 or 20 bytes, as hex
 * pairs with one separator (':' or '-') throughout, or as dotted groups of four.
 */
class CheckMacTest {
    private static final Pattern PAIRS = Pattern.compile("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2})+");
    private static final Pattern DOTTED = Pattern.compile("[0-9A-Fa-f]{4}(\\.[0-9A-Fa-f]{4})+");

    /** The regex reading, as it was: the value written back, or null when refused. */
    private static String byRegex(String value) {
        String hex = null;
        if (PAIRS.matcher(value).matches() && value.chars().filter(c -> c == ':' || c == '-').distinct().count() == 1) {
            hex = value.replace(value.substring(2, 3), "");
        } else if (DOTTED.matcher(value).matches()) {
            hex = value.replace(".", "");
        }
        int bytes = hex == null ? 0 : hex.length() / 2;
        if (bytes != 6 && bytes != 8 && bytes != 20) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    @Property(tries = 3000)
    void readsAsTheRegexesDid(@ForAll("macs") String value) {
        Problems p = new Problems();
        String read = Check.mac(p, value);
        // An empty MAC is an unset one, and Check.mac leaves it be before reading anything.
        String expected = value.isEmpty() ? "" : byRegex(value);
        boolean refused = !p.errors().isEmpty();
        assertEquals(expected == null, refused, () -> value + ": " + p.errors());
        assertEquals(expected == null ? value : expected, read, value);
        Statistics.label("valid").collect(expected != null);
        Statistics.label("valid").coverage(c -> c.check(true).percentage(pc -> pc >= 20));
    }

    @Provide
    Arbitrary<String> macs() {
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(2);
        Arbitrary<String> separator = Arbitraries.frequency(Tuple.of(8, ":"), Tuple.of(3, "-"), Tuple.of(1, "."),
                Tuple.of(1, ""), Tuple.of(1, "g"));
        Arbitrary<Integer> bytes = Arbitraries.frequency(Tuple.of(6, 6), Tuple.of(2, 8), Tuple.of(2, 20), Tuple.of(1, 1),
                Tuple.of(1, 2), Tuple.of(1, 5), Tuple.of(1, 7), Tuple.of(1, 21));
        // Pairs with one separator (sometimes another slips in), dotted groups of four, or anything.
        Arbitrary<String> pairs = bytes.flatMap(n -> separator.flatMap(sep -> hex.list().ofSize(n).flatMap(
                hs -> Arbitraries.integers().between(0, n * 3).map(odd -> join(hs, sep, odd)))));
        Arbitrary<String> dotted = bytes.flatMap(n -> hex.list().ofSize(n).map(hs -> {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < hs.size(); i++) {
                s.append(i > 0 && i % 2 == 0 ? "." : "").append(hs.get(i));
            }
            return s.toString();
        }));
        Arbitrary<String> any = Arbitraries.strings().withChars("0123456789abcdefABCDEF:-.xX ").ofMaxLength(70);
        return Arbitraries.frequencyOf(Tuple.of(4, pairs), Tuple.of(2, dotted), Tuple.of(1, any));
    }

    /** The pairs joined by {@code sep}, with the separator at {@code odd} (when there is one) swapped for the other. */
    private static String join(List<String> pairs, String sep, int odd) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                s.append(i == odd ? (sep.equals(":") ? "-" : ":") : sep);
            }
            s.append(pairs.get(i));
        }
        return s.toString();
    }

    @Example
    void goParseMacForms() {
        // Go's net.ParseMAC examples (src/net/mac.go): 6, 8 and 20 bytes, in each form.
        assertEquals("00:00:5e:00:53:01", Check.mac(new Problems(), "00:00:5e:00:53:01"));
        assertEquals("02:00:5e:10:00:00:00:01", Check.mac(new Problems(), "02:00:5e:10:00:00:00:01"));
        assertEquals("00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01",
                Check.mac(new Problems(), "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01"));
        assertEquals("00:00:5e:00:53:01", Check.mac(new Problems(), "00-00-5E-00-53-01"));
        assertEquals("00:00:5e:00:53:01", Check.mac(new Problems(), "0000.5e00.5301"));
        assertEquals("02:00:5e:10:00:00:00:01", Check.mac(new Problems(), "0200.5e10.0000.0001"));
        Problems mixed = new Problems();
        assertEquals("00:00-5e:00:53:01", Check.mac(mixed, "00:00-5e:00:53:01"));
        assertEquals(List.of("\"00:00-5e:00:53:01\" is not a MAC address; expected six hex pairs, e.g."
                + " 66:4f:1e:2a:00:01 (Calico: failed to validate field because of tag: mac)"),
                mixed.errors().stream().map(Problem::message).toList());
    }
}
