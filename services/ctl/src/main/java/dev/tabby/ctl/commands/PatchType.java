package dev.tabby.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The patch types of {@code tabbyctl patch --type}, with calicoctl v3.18's names (calicoctl/commands/patch.go).
 * calicoctl parses {@code --type} but always performs a strategic merge (resourcemgr.go Patch); tabbyctl performs
 * the type asked for.
 */
enum PatchType {
    STRATEGIC {
        @Override
        JsonNode apply(JsonNode original, JsonNode patch) {
            return PatchMerge.strategicPatch(original, patch);
        }
    },
    MERGE {
        @Override
        JsonNode apply(JsonNode original, JsonNode patch) {
            if (!patch.isObject()) {
                throw new IllegalArgumentException("a JSON merge patch (RFC 7386) for a resource must be a JSON object, not "
                        + PatchMerge.describe(patch));
            }
            return PatchMerge.mergePatch(original, patch);
        }
    },
    JSON {
        @Override
        JsonNode apply(JsonNode original, JsonNode patch) {
            return PatchJson.apply(original, patch);
        }
    };

    abstract JsonNode apply(JsonNode original, JsonNode patch);

    static PatchType parse(String text) {
        for (PatchType t : values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("--type \"" + text + "\" is not a patch type; use strategic (the default), "
                + "merge (JSON Merge Patch, RFC 7386) or json (JSON Patch, RFC 6902)");
    }
}
