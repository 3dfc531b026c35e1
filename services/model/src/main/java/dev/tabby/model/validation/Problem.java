package dev.tabby.model.validation;

/**
 * One finding about one field of one document: where it is, what is wrong, what would be right.
 *
 * @param path    field path from the document root, e.g. {@code spec.ingress[0].source.nets[1]}
 * @param message what was wrong and what is allowed, e.g. {@code 33 is not allowed; IPv4 block size must be 20..32}
 * @param fatal   an error stops the write; a warning (a value normalised, say) only informs
 */
public record Problem(String path, String message, boolean fatal) {
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
