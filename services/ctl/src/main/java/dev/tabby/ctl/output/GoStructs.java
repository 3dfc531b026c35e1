package dev.tabby.ctl.output;

import dev.tabby.model.v3.AsNumber;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.ClusterInformation;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.Rule;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tabby's resources seen as the Go structs of libcalico-go v3.18 (lib/apis/v3), which is what calicoctl's
 * go-templates walk: fields by their Go names ({@code .ObjectMeta.Name}, {@code .Spec.CIDR}, {@code .Items}),
 * ObjectMeta's and TypeMeta's fields promoted onto the resource ({@code .Name}, {@code .Kind}), and an unset field
 * giving Go's zero value ({@code ""}, {@code false}, {@code 0}, {@code []}) or, where libcalico-go declares a
 * pointer, nil.
 */
final class GoStructs {
    /** A Go struct: its fields in declaration order, and one field by its Go name (empty when it has none). */
    interface Struct {
        String goType();

        List<Object> fieldValues();

        Optional<Object> field(String goName);
    }

    /** libcalico-go's pointer fields (lib/apis/v3/*.go) among the record components Tabby models. */
    private static final Map<Class<?>, Set<String>> POINTERS = Map.of(
            BGPConfiguration.Spec.class, Set.of("nodeToNodeMeshEnabled", "asNumber"),
            BGPPeer.Spec.class, Set.of("password"),
            Node.Spec.class, Set.of("bgp", "wireguard"),
            Node.BGP.class, Set.of("asNumber"),
            NetworkPolicy.Spec.class, Set.of("order"),
            GlobalNetworkPolicy.Spec.class, Set.of("order"),
            ClusterInformation.Spec.class, Set.of("datastoreReady"),
            Rule.class, Set.of("ipVersion", "protocol", "notProtocol", "icmp", "notICMP", "http", "metadata"),
            Rule.Icmp.class, Set.of("type", "code"),
            Rule.EntityRule.class, Set.of("serviceAccounts"));

    /** Go field names that are not their JSON name in another case (felixconfig.go). */
    private static final Map<String, String> GO_NAME_TO_COMPONENT = Map.of("externalnodescidrlist", "externalNodesList");

    /** Fields of Kubernetes' metav1.ObjectMeta that Tabby does not keep: always their zero value. */
    private static final Map<String, Object> OBJECT_META_UNKEPT = Map.of(
            "GenerateName", "", "SelfLink", "", "ClusterName", "",
            "DeletionTimestamp", new GoValues.Nil("*v1.Time"),
            "DeletionGracePeriodSeconds", new GoValues.Nil("*int64"),
            "ManagedFields", List.of());

    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private GoStructs() {
    }

    /** A Java value as the template sees it: records become structs, lists and maps keep their Go shape. */
    static Object view(Object v) {
        if (v instanceof Resource r) {
            return new ResourceStruct(r);
        }
        if (v instanceof ObjectMeta m) {
            return new RecordStruct(m, ObjectMeta.class);
        }
        if (v != null && v.getClass().isRecord() && !GoValues.scalar(v)) {
            return new RecordStruct(v, v.getClass());
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(e -> out.add(view(e)));
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, e) -> out.put(k, view(e)));
            return out;
        }
        return v;
    }

    /** A {@code <Kind>List} as calicoctl lists a kind: TypeMeta, ListMeta and Items. */
    static Struct list(Kind kind, List<Resource> items, String revision) {
        return new ListStruct(kind, items, revision);
    }

    /** The creation time as Go's time.Time prints it ({@code 2021-03-04 10:00:00 +0000 UTC}). */
    private static String goTime(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return "0001-01-01 00:00:00 +0000 UTC";
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(rfc3339);
            if (t.getOffset().equals(ZoneOffset.UTC)) {
                return GO_TIME.format(t) + " +0000 UTC";
            }
            String off = t.getOffset().getId().replace(":", "");
            return GO_TIME.format(t) + " " + off + " " + off;
        } catch (DateTimeParseException e) {
            return rfc3339;
        }
    }

    private record TypeMeta(String kind, String apiVersion) implements Struct {
        @Override
        public String goType() {
            return "v1.TypeMeta";
        }

        @Override
        public List<Object> fieldValues() {
            return List.of(kind, apiVersion);
        }

        @Override
        public Optional<Object> field(String goName) {
            return switch (goName) {
                case "Kind" -> Optional.of(kind);
                case "APIVersion" -> Optional.of(apiVersion);
                default -> Optional.empty();
            };
        }
    }

    private record ResourceStruct(Resource r) implements Struct {
        @Override
        public String goType() {
            return "v3." + r.kind().kindName();
        }

        private TypeMeta typeMeta() {
            return new TypeMeta(r.kind().kindName(), Resource.API_VERSION);
        }

        private RecordStruct meta() {
            return new RecordStruct(r.metadata(), ObjectMeta.class);
        }

        @Override
        public List<Object> fieldValues() {
            List<Object> out = new ArrayList<>(List.of(typeMeta(), meta()));
            out.addAll(new RecordStruct(r, r.getClass()).fieldValues().subList(1, r.getClass().getRecordComponents().length));
            return out;
        }

        @Override
        public Optional<Object> field(String goName) {
            if (goName.equals("TypeMeta")) {
                return Optional.of(typeMeta());
            }
            if (goName.equals("ObjectMeta")) {
                return Optional.of(meta());
            }
            Optional<Object> promoted = typeMeta().field(goName);
            if (promoted.isPresent()) {
                return promoted;
            }
            promoted = meta().field(goName);
            if (promoted.isPresent()) {
                return promoted;
            }
            return goName.equals("Metadata") ? Optional.empty() : new RecordStruct(r, r.getClass()).field(goName);
        }
    }

    private record ListStruct(Kind kind, List<Resource> items, String revision) implements Struct {
        @Override
        public String goType() {
            return "v3." + kind.listKindName();
        }

        private Map<String, Object> listMeta() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("SelfLink", "");
            m.put("ResourceVersion", revision == null ? "" : revision);
            m.put("Continue", "");
            m.put("RemainingItemCount", new GoValues.Nil("*int64"));
            return m;
        }

        @Override
        public List<Object> fieldValues() {
            return List.of(new TypeMeta(kind.listKindName(), Resource.API_VERSION), new FixedStruct("v1.ListMeta", listMeta()),
                    view(items));
        }

        @Override
        public Optional<Object> field(String goName) {
            return switch (goName) {
                case "TypeMeta" -> Optional.of(new TypeMeta(kind.listKindName(), Resource.API_VERSION));
                case "Kind" -> Optional.of(kind.listKindName());
                case "APIVersion" -> Optional.of(Resource.API_VERSION);
                case "ListMeta" -> Optional.of(new FixedStruct("v1.ListMeta", listMeta()));
                case "Items" -> Optional.of(view(items));
                default -> Optional.ofNullable(listMeta().get(goName));
            };
        }
    }

    private record FixedStruct(String goType, Map<String, Object> fields) implements Struct {
        @Override
        public List<Object> fieldValues() {
            return new ArrayList<>(fields.values());
        }

        @Override
        public Optional<Object> field(String goName) {
            return Optional.ofNullable(fields.get(goName));
        }
    }

    /** A record (or its zero value, when {@code value} is null) as a Go struct. */
    record RecordStruct(Object value, Class<?> type) implements Struct {
        @Override
        public String goType() {
            Class<?> outer = type.getEnclosingClass();
            String prefix = type == ObjectMeta.class ? "v1." : "v3.";
            return prefix + (outer == null ? "" : outer.getSimpleName()) + type.getSimpleName();
        }

        @Override
        public List<Object> fieldValues() {
            List<Object> out = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                out.add(component(c));
            }
            return out;
        }

        @Override
        public Optional<Object> field(String goName) {
            if (type == ObjectMeta.class) {
                if (OBJECT_META_UNKEPT.containsKey(goName)) {
                    return Optional.of(OBJECT_META_UNKEPT.get(goName));
                }
                if (goName.equals("CreationTimestamp")) {
                    return Optional.of(goTime(value == null ? null : ((ObjectMeta) value).creationTimestamp()));
                }
            }
            String wanted = GO_NAME_TO_COMPONENT.getOrDefault(goName.toLowerCase(Locale.ROOT), goName);
            for (RecordComponent c : type.getRecordComponents()) {
                if (c.getName().equalsIgnoreCase(wanted)) {
                    return Optional.of(component(c));
                }
            }
            return Optional.empty();
        }

        private Object component(RecordComponent c) {
            Object raw = null;
            if (value != null) {
                try {
                    raw = c.getAccessor().invoke(value);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + c.getName(), e);
                }
            }
            return raw != null ? view(raw) : zero(c);
        }

        /** Go's value of an unset field: nil for a pointer, else the zero value of its type. */
        private Object zero(RecordComponent c) {
            Class<?> t = c.getType();
            boolean pointer = POINTERS.getOrDefault(type, Set.of()).contains(c.getName())
                    // Felix's configuration fields are pointers, but for its strings.
                    || (type == FelixConfiguration.Spec.class && t != String.class);
            if (pointer) {
                return new GoValues.Nil("*" + t.getSimpleName());
            }
            if (t == String.class) {
                return "";
            }
            if (t == Boolean.class || t == boolean.class) {
                return Boolean.FALSE;
            }
            if (t == Double.class || t == Float.class) {
                return 0.0d;
            }
            if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
                return 0L;
            }
            if (t == List.class) {
                return List.of();
            }
            if (t == Map.class) {
                return Map.of();
            }
            if (t.isRecord() && !isScalarType(t)) {
                return new RecordStruct(null, t);
            }
            return 0L;
        }

        private static boolean isScalarType(Class<?> t) {
            return t == AsNumber.class || t == Protocol.class || t == Port.class;
        }
    }
}
