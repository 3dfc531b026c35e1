package dev.tabby.model.codec;

import dev.tabby.model.v3.Resource;
import java.util.List;

/**
 * The resources of a manifest that passed validation, in document order, normalised and defaulted, with
 * what was changed on the way ("10.0.0.1/24 normalised to 10.0.0.0/24") as warnings.
 */
public record Manifest(List<Resource> resources, List<String> warnings) {
}
