package dev.tabby.model.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what validation finds while it walks a resource. Each visitor works at a {@link #at path}, so that
 * nested validators need not know where their object sits in the document.
 */
public final class Problems {
    private final List<Problem> found;
    private final String prefix;

    public Problems() {
        this(new ArrayList<>(), "");
    }

    private Problems(List<Problem> found, String prefix) {
        this.found = found;
        this.prefix = prefix;
    }

    /** A view that reports below {@code field}, e.g. {@code at("spec").at("cidr")}. */
    public Problems at(String field) {
        return new Problems(found, prefix.isEmpty() ? field : prefix + "." + field);
    }

    /** A view that reports below the element {@code index} of the list this view points at. */
    public Problems at(int index) {
        return new Problems(found, prefix + "[" + index + "]");
    }

    /** A view below a map key; keys that are not plain words are quoted so the path stays readable. */
    public Problems atKey(String key) {
        boolean plain = key.matches("[A-Za-z0-9_-]+");
        return plain ? at(key) : new Problems(found, prefix + "[\"" + key + "\"]");
    }

    public String path() {
        return prefix;
    }

    public void error(String message) {
        found.add(new Problem(prefix, message, true));
    }

    public void warn(String message) {
        found.add(new Problem(prefix, message, false));
    }

    /** True when an error was reported at this view's path or below it. */
    public boolean hasErrors() {
        return found.stream().anyMatch(p -> p.fatal() && isAtOrBelow(p.path()));
    }

    private boolean isAtOrBelow(String path) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
    }

    public List<Problem> errors() {
        return found.stream().filter(Problem::fatal).toList();
    }

    public List<Problem> warnings() {
        return found.stream().filter(p -> !p.fatal()).toList();
    }

    public List<Problem> all() {
        return List.copyOf(found);
    }
}
