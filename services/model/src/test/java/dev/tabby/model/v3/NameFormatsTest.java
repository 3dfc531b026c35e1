package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link NameFormats}' char loops answer exactly as the regexes Calico and Kubernetes check names with. The regexes
 * are copied here from their sources, not from Names, so that the loops are held to Calico's text:
 * <ul>
 * <li>libcalico-go release-v3.18 lib/validator/v3/validator.go: nameLabelFmt, nameSubdomainFmt, containerIDFmt,
 * networkPolicyNameRegex, interfaceRegex;</li>
 * <li>libcalico-go release-v3.18 lib/numorstring/port.go: nameRegex;</li>
 * <li>k8s.io/apimachinery pkg/util/validation/validation.go (what validator.go calls for labels and port names):
 * qualifiedNameFmt, labelValueFmt, dns1123SubdomainFmt, portNameCharsetRegex, portNameOneLetterRegexp.</li>
 * </ul>
 * Each property also asserts that at least a fifth of its strings are valid, or agreeing on "no" would prove little.
 * The examples are Calico's own cases from libcalico-go release-v3.18 lib/validator/v3/validator_test.go (the number
 * is the Entry's line there).
 */
class NameFormatsTest {
    // validator.go
    private static final String NAME_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String NAME_SUBDOMAIN_FMT = NAME_LABEL_FMT + "(\\." + NAME_LABEL_FMT + ")*";
    private static final String CONTAINER_ID_FMT = "[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?";
    private static final String NETWORK_POLICY_NAME_REGEX =
            "^((" + NAME_LABEL_FMT + ")|((?:knp|ossg)\\.default\\.(" + NAME_SUBDOMAIN_FMT + ")))$";
    private static final String GLOBAL_NETWORK_POLICY_NAME_REGEX = "^(" + NAME_LABEL_FMT + ")$";
    private static final String INTERFACE_REGEX = "^[a-zA-Z0-9_.-]{1,15}$";
    // numorstring/port.go
    private static final String RULE_PORT_NAME_REGEX = "^[a-zA-Z0-9_.-]{1,128}$";
    // apimachinery validation.go
    private static final String QNAME_CHAR_FMT = "[A-Za-z0-9]";
    private static final String QNAME_EXT_CHAR_FMT = "[-A-Za-z0-9_.]";
    private static final String QUALIFIED_NAME_FMT = "(" + QNAME_CHAR_FMT + QNAME_EXT_CHAR_FMT + "*)?" + QNAME_CHAR_FMT;
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String PORT_NAME_CHARSET_REGEX = "^[-a-z0-9]+$";
    private static final String PORT_NAME_ONE_LETTER_REGEXP = "[a-z]";

    // --- each format against its regex ---

    @Property(tries = 2000)
    void dns1123LabelIsNameLabelFmt(@ForAll("lowerNames") String s) {
        agree(s, NameFormats.dns1123Label(s), Pattern.matches(NAME_LABEL_FMT, s));
    }

    @Property(tries = 2000)
    void dns1123SubdomainIsNameSubdomainFmt(@ForAll("lowerNames") String s) {
        agree(s, NameFormats.dns1123Subdomain(s), Pattern.matches(NAME_SUBDOMAIN_FMT, s));
    }

    @Property(tries = 2000)
    void qualifiedNameIsQualifiedNameFmt(@ForAll("mixedNames") String s) {
        agree(s, NameFormats.qualifiedName(s), Pattern.matches(QUALIFIED_NAME_FMT, s));
    }

    @Property(tries = 2000)
    void containerIdIsContainerIdFmt(@ForAll("mixedNames") String s) {
        agree(s, NameFormats.containerId(s), Pattern.matches(CONTAINER_ID_FMT, s));
    }

    @Property(tries = 2000)
    void interfaceNameIsInterfaceRegex(@ForAll("shortNames") String s) {
        agree(s, NameFormats.interfaceName(s), Pattern.matches(INTERFACE_REGEX, s));
    }

    @Property(tries = 2000)
    void networkPolicyNameIsNetworkPolicyNameRegex(@ForAll("policyNames") String s) {
        agree(s, NameFormats.networkPolicyName(s), Pattern.matches(NETWORK_POLICY_NAME_REGEX, s));
    }

    @Property(tries = 2000)
    void globalNetworkPolicyNameIsGlobalNetworkPolicyNameRegex(@ForAll("lowerNames") String s) {
        agree(s, NameFormats.dns1123Label(s), Pattern.matches(GLOBAL_NETWORK_POLICY_NAME_REGEX, s));
    }

    @Property(tries = 2000)
    void portNameIsKubernetesIsValidPortName(@ForAll("portNames") String s) {
        boolean kubernetes = s.length() <= 15
                && Pattern.matches(PORT_NAME_CHARSET_REGEX, s)
                && Pattern.compile(PORT_NAME_ONE_LETTER_REGEXP).matcher(s).find()
                && !s.contains("--")
                && !(s.length() > 0 && (s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-'));
        agree(s, NameFormats.portName(s), kubernetes);
    }

    @Property(tries = 2000)
    void rulePortNameIsNumorstringNameRegex(@ForAll("rulePortNames") String s) {
        agree(s, NameFormats.rulePortName(s), Pattern.matches(RULE_PORT_NAME_REGEX, s));
    }

    /** The {@code from, to} forms see only their range, whatever is around it. */
    @Property(tries = 2000)
    void rangesSeeOnlyTheirPart(@ForAll("mixedNames") String s, @ForAll("mixedNames") String before,
                                @ForAll("mixedNames") String after) {
        String around = before + s + after;
        int from = before.length();
        int to = from + s.length();
        assertEquals(Pattern.matches(NAME_LABEL_FMT, s), NameFormats.dns1123Label(around, from, to), around);
        assertEquals(Pattern.matches(NAME_SUBDOMAIN_FMT, s), NameFormats.dns1123Subdomain(around, from, to), around);
        assertEquals(Pattern.matches(QUALIFIED_NAME_FMT, s), NameFormats.qualifiedName(around, from, to), around);
    }

    // --- Names, which now uses the loops, against Kubernetes' whole label checks ---

    /** apimachinery IsQualifiedName, which validator.go validateLabels calls for each key. */
    @Property(tries = 2000)
    void labelKeyIsKubernetesIsQualifiedName(@ForAll("labelKeys") String key) {
        agree(key, Names.checkLabelKey(key) == null, isQualifiedName(key));
    }

    /** apimachinery IsValidLabelValue. */
    @Property(tries = 2000)
    void labelValueIsKubernetesIsValidLabelValue(@ForAll("mixedNames") String value) {
        boolean kubernetes = value.length() <= 63 && Pattern.matches("^" + LABEL_VALUE_FMT + "$", value);
        agree(value, Names.checkLabelValue(value) == null, kubernetes);
    }

    private static boolean isQualifiedName(String value) {
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            if (prefix.isEmpty() || prefix.length() > 253 || !Pattern.matches("^" + DNS1123_SUBDOMAIN_FMT + "$", prefix)) {
                return false;
            }
            name = parts[1];
        } else {
            return false;
        }
        return !name.isEmpty() && name.length() <= 63 && Pattern.matches("^" + QUALIFIED_NAME_FMT + "$", name);
    }

    private static void agree(String s, boolean loop, boolean regex) {
        assertEquals(regex, loop, () -> "\"" + s + "\": the regex says " + regex);
        Statistics.label("valid").collect(regex);
        Statistics.label("valid").coverage(c -> c.check(true).percentage(p -> p >= 20));
    }

    // --- generators: any string over an alphabet that hits every edge, or one built from valid pieces ---

    /** Letters of both cases, digits, every separator a format allows or refuses, a space, a non-ASCII letter. */
    private static Arbitrary<String> edgy(int maxLength) {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars('-', '.', '_', '/', ':', ' ', 'é').ofMinLength(0).ofMaxLength(maxLength);
    }

    @SafeVarargs
    private static Arbitrary<String> builtFrom(int maxPieces, Tuple.Tuple2<Integer, String>... pieces) {
        return Arbitraries.frequency(pieces).list().ofMinSize(1).ofMaxSize(maxPieces).map(l -> String.join("", l));
    }

    private static Arbitrary<String> either(Arbitrary<String> edgy, Arbitrary<String> built) {
        return Arbitraries.frequencyOf(Tuple.of(1, edgy), Tuple.of(5, built));
    }

    @Provide
    Arbitrary<String> lowerNames() {
        return either(edgy(70), builtFrom(7, Tuple.of(10, "a"), Tuple.of(6, "z9"), Tuple.of(4, "0"), Tuple.of(2, "-"),
                Tuple.of(2, "."), Tuple.of(1, "A"), Tuple.of(1, "_"), Tuple.of(1, "é")));
    }

    @Provide
    Arbitrary<String> mixedNames() {
        return either(edgy(70), builtFrom(7, Tuple.of(10, "a"), Tuple.of(5, "Z"), Tuple.of(5, "7"), Tuple.of(2, "-"),
                Tuple.of(2, "_"), Tuple.of(2, "."), Tuple.of(1, "/"), Tuple.of(1, ":"), Tuple.of(1, " ")));
    }

    @Provide
    Arbitrary<String> shortNames() {
        return either(edgy(20), builtFrom(7, Tuple.of(6, "a"), Tuple.of(3, "Bc"), Tuple.of(3, "x1"), Tuple.of(3, "0"),
                Tuple.of(3, "-"), Tuple.of(1, "--"), Tuple.of(1, "_"), Tuple.of(1, "."), Tuple.of(1, ":")));
    }

    /** Lower-case letters and digits, with now and then a '-' or '--', or a character a port name may not have. */
    @Provide
    Arbitrary<String> portNames() {
        return either(edgy(20), builtFrom(5, Tuple.of(10, "a"), Tuple.of(4, "x1"), Tuple.of(3, "0"), Tuple.of(3, "-"),
                Tuple.of(1, "--"), Tuple.of(1, "B"), Tuple.of(1, "_")));
    }

    @Provide
    Arbitrary<String> policyNames() {
        Arbitrary<String> prefix = Arbitraries.frequency(Tuple.of(4, ""), Tuple.of(4, "knp.default."),
                Tuple.of(4, "ossg.default."), Tuple.of(1, "knp."), Tuple.of(1, "knp.default"), Tuple.of(1, "osg.default."),
                Tuple.of(1, "KNP.default."));
        Arbitrary<String> rest = builtFrom(6, Tuple.of(10, "a"), Tuple.of(5, "z9"), Tuple.of(3, "0"), Tuple.of(2, "-"),
                Tuple.of(2, "."), Tuple.of(1, "A"), Tuple.of(1, "_"));
        return either(edgy(70), prefix.flatMap(p -> rest.map(n -> p + n)));
    }

    /** Mostly the characters a named port may have, 0..140 of them so 128 is crossed; or one odd character in. */
    @Provide
    Arbitrary<String> rulePortNames() {
        Arbitrary<String> fine = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars('_', '.', '-').ofMinLength(0).ofMaxLength(140);
        Arbitrary<String> odd = fine.flatMap(f -> Arbitraries.of(":", "/", " ", "é").map(c -> f + c + f));
        return Arbitraries.frequencyOf(Tuple.of(1, edgy(70)), Tuple.of(3, fine), Tuple.of(1, odd));
    }

    @Provide
    Arbitrary<String> labelKeys() {
        Arbitrary<String> prefix = builtFrom(5, Tuple.of(10, "a"), Tuple.of(5, "z9"), Tuple.of(2, "."), Tuple.of(1, "-"),
                Tuple.of(1, "A"), Tuple.of(1, "/"));
        Arbitrary<String> withPrefix = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
                Tuple.of(4, prefix.map(p -> p + "/")), Tuple.of(1, Arbitraries.just("/")));
        Arbitrary<String> name = builtFrom(6, Tuple.of(10, "a"), Tuple.of(5, "Z"), Tuple.of(5, "7"), Tuple.of(2, "-"),
                Tuple.of(2, "_"), Tuple.of(2, "."), Tuple.of(1, ":"));
        // Now and then a name over 63 characters.
        Arbitrary<String> longName = Arbitraries.integers().between(60, 70).map("n"::repeat);
        return either(edgy(70), withPrefix.flatMap(p -> Arbitraries.frequencyOf(Tuple.of(8, name), Tuple.of(1, longName))
                .map(n -> p + n)));
    }

    // --- lengths at their limits ---

    @Property
    void interfaceNamesStopAt15(@ForAll @IntRange(min = 1, max = 20) int n) {
        assertEquals(n <= 15, NameFormats.interfaceName("e".repeat(n)));
    }

    @Property
    void portNamesStopAt15(@ForAll @IntRange(min = 1, max = 20) int n) {
        assertEquals(n <= 15, NameFormats.portName("p".repeat(n)));
    }

    @Property
    void rulePortNamesStopAt128(@ForAll @IntRange(min = 1, max = 140) int n) {
        assertEquals(n <= 128, NameFormats.rulePortName("p".repeat(n)));
    }

    // --- Calico's cases (validator_test.go) ---

    private static final String VALUE63 = "x".repeat(63);
    private static final String VALUE64 = "x".repeat(64);

    @Example
    void calicoLabelCases() {
        // 429, 430: labelsToApply; 434-456: metadata labels
        assertNull(Names.checkLabelKey("project.calico.org/my-valid-label"));
        assertNull(Names.checkLabelValue(VALUE63));
        assertNotNull(Names.checkLabelValue(VALUE64));
        assertNull(Names.checkLabelKey("projectcalico.org/label"));
        // 431-433
        assertNotNull(Names.checkLabelKey(".mylabel"));
        assertNotNull(Names.checkLabelKey("my!nvalid-label"));
        assertNotNull(Names.checkLabelKey("my-invalid-label$"));
        // 457: upper case in the prefix; 468: in the name it is fine
        assertNotNull(Names.checkLabelKey("ProjectCalico.org/label"));
        assertNull(Names.checkLabelKey("projectcalico.org/Label"));
        // 479, 490: annotation keys are label keys once lower-cased (ResourceValidator.checkAnnotations)
        assertNotNull(Names.checkLabelKey("projectcalico.org$label"));
        assertNull(Names.checkLabelKey("ProjectCalico.org/Label".toLowerCase(java.util.Locale.ROOT)));
    }

    @Example
    void calicoResourceNameCases() {
        // 534, 542: a name of 253 characters, and one of 254
        assertNull(Names.checkResourceName("x".repeat(253)));
        assertNotNull(Names.checkResourceName("x".repeat(254)));
        // 328, 386: a network set named "test$set"
        assertNotNull(Names.checkResourceName("test$set"));
        assertNull(Names.checkResourceName("pool.name"));
        // 782-799: profile names (validator.go's name tag)
        assertNull(Names.checkNameField("knp.default.fun"));
        assertNull(Names.checkNameField("knp.default.funner.11234-a"));
        assertNull(Names.checkNameField("fun-funner1234"));
        assertNotNull(Names.checkNameField(".fun"));
    }

    @Example
    void calicoPolicyNameCases() {
        // 1450-1454: GlobalNetworkPolicy
        assertNotNull(Names.checkGlobalNetworkPolicyName("t~!s.h.i.ng"));
        assertNotNull(Names.checkGlobalNetworkPolicyName("tHiNg"));
        assertNull(Names.checkGlobalNetworkPolicyName("thing"));
        assertNotNull(Names.checkGlobalNetworkPolicyName("knp.default.thing"));
        assertNotNull(Names.checkGlobalNetworkPolicyName("t.h.i.ng"));
        // 1780-1784: NetworkPolicy
        assertNotNull(Names.checkNetworkPolicyName("t.h.i.ng"));
        assertNotNull(Names.checkNetworkPolicyName("tHiNg"));
        assertNull(Names.checkNetworkPolicyName("x".repeat(253)));
        assertNotNull(Names.checkNetworkPolicyName("x".repeat(254)));
        assertNull(Names.checkNetworkPolicyName("knp.default.thing"));
    }

    @Example
    void calicoInterfaceAndContainerIdCases() {
        // 568-572
        assertTrue(NameFormats.interfaceName("Valid_Iface.0-9"));
        for (String bad : List.of("interfaceTooLong", "Invalid&Intface", "Invalid#Intface", "Invalid:Intface")) {
            assertFalse(NameFormats.interfaceName(bad), bad);
        }
        // 273: "*" is every interface; the wildcard is Names', not the format's
        assertNull(Names.checkInterfaceName("*"));
        assertFalse(NameFormats.interfaceName("*"));
        // 709, 742-755
        assertTrue(NameFormats.containerId("Cath01234-G"));
        for (String bad : List.of("-abcdefg", "abcdeSg-", "abcde-j.g")) {
            assertFalse(NameFormats.containerId(bad), bad);
        }
    }

    @Example
    void calicoPortNameCases() {
        // 134-160: EndpointPort names
        assertTrue(Names.isPortName("a-valid-port"));
        assertFalse(Names.isPortName(""));
        // 920-936: a rule's named port
        assertTrue(NameFormats.rulePortName("foo"));
    }

    @Example
    void noFormatHasTheEmptyString() {
        List<Predicate<String>> formats = List.of(NameFormats::dns1123Label, NameFormats::dns1123Subdomain,
                NameFormats::qualifiedName, NameFormats::containerId, NameFormats::interfaceName,
                NameFormats::networkPolicyName, NameFormats::portName, NameFormats::rulePortName);
        formats.forEach(f -> assertFalse(f.test("")));
    }
}
