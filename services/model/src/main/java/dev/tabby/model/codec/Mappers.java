package dev.tabby.model.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Jackson mappers, configured once to behave like calicoctl's Go decoder: unknown fields are errors, a string
 * is never silently taken for a number (or the reverse), duplicate keys are errors, and output omits empty fields
 * as Go's {@code omitempty} does, with keys in alphabetical order.
 */
final class Mappers {
    static final JsonMapper JSON = strict(JsonMapper.builder()).build();
    /**
     * For documents that came as YAML. calicoctl reads YAML through ghodss/yaml, which turns a bare scalar into a
     * string where the field is a string ({@code containerID: 1337}, a label {@code version: 1}); so does this.
     */
    static final JsonMapper JSON_FROM_YAML = strict(JsonMapper.builder()).build();
    /**
     * For values read back from etcd: as strict as {@link #JSON} except that fields Tabby does not know are left
     * out, as Calico's backend (encoding/json, not strict) leaves them out, so a value a newer writer stored stays
     * readable.
     */
    static final JsonMapper JSON_STORED = strict(JsonMapper.builder())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /**
     * Reads the trees of values from etcd, with the duplicate-key check done by the tree instead of the parser. The
     * parser's check (STRICT_DUPLICATE_DETECTION) allocates a HashSet for every object of three or more keys, 55,000
     * values' worth when policy-renderer starts (issue 16); the tree holds each object's keys in a map anyway, and
     * FAIL_ON_READING_DUP_TREE_KEY fails the read when a key is already there, so the same values are refused. Its
     * message is not the parser's: {@code ResourceCodec} reads a refused value again with {@link #JSON} to report
     * the parser's words. A mapper of its own, because {@code JSON.reader().without(STRICT_DUPLICATE_DETECTION)}
     * clears the flag but leaves the parser's detector in place (Jackson 2.21), so it saved nothing.
     */
    static final JsonMapper JSON_STORED_TREE = strict(JsonMapper.builder())
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    static final YAMLMapper YAML = strict(YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build()))
            .build();

    /** Indented as Go's json.MarshalIndent prints, which is what calicoctl -o json shows. */
    static final DefaultPrettyPrinter GO_STYLE_PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);

    static {
        configureCoercion(JSON, false);
        configureCoercion(JSON_STORED, false);
        configureCoercion(JSON_FROM_YAML, true);
        configureCoercion(YAML, true);
    }

    private Mappers() {
    }

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> B strict(B b) {
        return b.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                // Empty fields are left out, as Go's omitempty does; map entries are always kept: a label or
                // labelsToApply value may be "" (Calico's CNI network profile applies {<network>: ""}).
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY,
                        JsonInclude.Include.ALWAYS));
    }

    private static void configureCoercion(ObjectMapper m, boolean stringsFromScalars) {
        // In JSON a number where a string belongs is an error, as in Go's encoding/json: quote it.
        CoercionAction toString = stringsFromScalars ? CoercionAction.TryConvert : CoercionAction.Fail;
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, toString)
                .setCoercion(CoercionInputShape.Float, toString)
                .setCoercion(CoercionInputShape.Boolean, toString);
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
    }
}
