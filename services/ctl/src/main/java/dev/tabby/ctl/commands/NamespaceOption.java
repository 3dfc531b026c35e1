package dev.tabby.ctl.commands;

import dev.tabby.model.v3.Kind;
import dev.tabby.model.validation.ResourceValidator;
import picocli.CommandLine.Option;

/** {@code -n NAMESPACE} for commands that name one resource; ignored for kinds without namespaces. */
final class NamespaceOption {
    @Option(names = {"-n", "--namespace"}, description = "namespace of a namespaced kind (default: default)")
    String namespace;

    /** The namespace to use for {@code kind}: null for cluster-wide kinds, "default" when none was given. */
    String resolve(Kind kind) {
        if (!kind.namespaced()) {
            return null;
        }
        return namespace == null ? ResourceValidator.DEFAULT_NAMESPACE : namespace;
    }
}
