package dev.tabby.ctl.commands;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tabby.ctl.Errors;
import dev.tabby.ctl.Main;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl patch KIND NAME -p PATCH [-t strategic|merge|json] [-n NS]}, as calicoctl v3.18
 * (calicoctl/commands/patch.go; the work in calicoctl/resourcemgr/resourcemgr.go Patch): read the resource, patch its
 * JSON, decode and validate the result as any manifest is validated, and update it with a compare-and-swap on the
 * revision that was read, so a write that lost a race is reported as a conflict and writes nothing.
 *
 * <p>What the patch may do to metadata follows from calicoctl's update of the patched object: labels and annotations
 * may change; a changed {@code resourceVersion} is the revision the update must find (else a conflict); a removed one
 * is refused, as libcalico-go's clientv3 Update refuses an update without it; uid and creationTimestamp stay as
 * stored. A changed name, namespace or kind is refused here with the reason (calicoctl fails such an update because it
 * finds no resource under the new identity).
 */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = {"Patch one resource in place with a JSON patch.",
                "  tabbyctl patch ipp p1 -p '{\"spec\":{\"natOutgoing\":true}}'",
                "  tabbyctl patch ipp p1 -t merge -p '{\"metadata\":{\"labels\":{\"env\":null}}}'",
                "  tabbyctl patch gnp g1 -t json -p '[{\"op\":\"remove\",\"path\":\"/spec/order\"}]'"})
public final class PatchCommand implements Callable<Integer> {
    /** ResourceCodec names a problem's document; a patch has one document, the patched resource. */
    private static final Pattern DOCUMENT_PREFIX = Pattern.compile("^document \\d+( item \\d+)?( \\([^)]*\\))?( at line \\d+)?: ");

    private static final JsonMapper PATCH_READER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Parameters(index = "0", paramLabel = "KIND", description = "e.g. ippool, node, bgppeer, globalnetworkpolicy")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Option(names = {"-p", "--patch"}, required = true, paramLabel = "PATCH", description = "Spec to use to patch the resource (JSON).")
    String patch;

    @Option(names = {"-t", "--type"}, defaultValue = "strategic", paramLabel = "TYPE",
            description = "strategic (default): strategic merge patch, as calicoctl; merge: JSON Merge Patch (RFC "
                    + "7386); json: JSON Patch (RFC 6902)")
    String type;

    @Mixin
    NamespaceOption namespace;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (name.isEmpty()) {
            // common/resources.go ExecuteConfigCommand
            throw new CommandFailedException("Hit error: resource name may not be empty");
        }
        Kind k = KindArgument.parse(kind);
        PatchType patchType = PatchType.parse(type);
        ResourceId id = new ResourceId(k, namespace.resolve(k), name);
        JsonNode patchTree = parsePatch(patch);
        Resource written;
        try (Connection.Session session = main.connection().open()) {
            // Read leniently: patching can mend a value another writer stored; the result is validated as any write.
            Resource current = session.store().getLenient(id).orElseThrow(() -> new ResourceNotFoundException(id, null))
                    .resource();
            Resource patched = patched(id, current, patchType, patchTree);
            written = session.store().update(patched);
        } catch (CommandFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CommandFailedException("Hit error: " + Errors.oneLine(e));
        }
        // patch.go: "Successfully patched %d '%s' resource"
        spec.commandLine().getOut().println("Successfully patched 1 '" + written.kind().kindName() + "' resource");
        return 0;
    }

    private static JsonNode parsePatch(String text) {
        try {
            JsonNode tree = PATCH_READER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new CommandFailedException("Hit error: the patch is empty; give a JSON object (or a list of "
                        + "operations with --type json)");
            }
            return tree;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
            throw new CommandFailedException("Hit error: the patch is not valid JSON" + where + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    /** The stored resource with the patch applied, decoded and validated; its resourceVersion is what the update expects. */
    static Resource patched(ResourceId id, Resource current, PatchType type, JsonNode patch) {
        JsonNode tree = type.apply(ResourceCodec.toTree(current), patch);
        if (!tree.isObject()) {
            throw new IllegalArgumentException("the patch turns " + id + " into " + PatchMerge.describe(tree)
                    + "; a patched resource is still an object");
        }
        String kindAfter = tree.path("kind").asText(null);
        if (!id.kind().kindName().equals(kindAfter)) {
            throw new IllegalArgumentException("the patch changes kind from " + id.kind().kindName() + " to "
                    + (kindAfter == null ? "nothing" : kindAfter) + "; a patch cannot change a resource's kind");
        }
        JsonNode version = tree.path("metadata").path("resourceVersion");
        if (!version.isTextual() || version.asText().isEmpty()) {
            throw new IllegalArgumentException("the patch removes metadata.resourceVersion; an update must name the "
                    + "version it replaces (leave resourceVersion out of the patch to use the one read)");
        }
        Resource r;
        try {
            Manifest m = ResourceCodec.read(ResourceCodec.toJson(tree));
            r = m.resources().get(0);
        } catch (ManifestException e) {
            List<String> problems = e.problems().stream().map(p -> DOCUMENT_PREFIX.matcher(p).replaceFirst("")).toList();
            throw new IllegalArgumentException("the patched " + id + " is not valid: " + String.join("; ", problems), e);
        }
        if (!r.name().equals(id.name())) {
            throw new IllegalArgumentException("the patch changes metadata.name from \"" + id.name() + "\" to \""
                    + r.name() + "\"; a patch cannot rename a resource (create the new one, then delete the old)");
        }
        if (id.kind().namespaced() && !Objects.equals(r.namespace(), id.namespace())) {
            throw new IllegalArgumentException("the patch changes metadata.namespace from \"" + id.namespace()
                    + "\" to \"" + r.namespace() + "\"; a patch cannot move a resource to another namespace");
        }
        return r;
    }
}
