package dev.tabby.model.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what validation finds while it walks a resource. Each visitor works at a {@link #at path}, so that
 * nested validators need not know where their object sits in the document.
 */
public final class Problems {
    private final List<Problem> found;
    // The path is spelled out only when something is reported: most fields of most resources are fine, and
    // validating a thousand Nodes from etcd should not build a thousand paths it never shows.
    private final Problems parent;
    private final String segment;
    private final boolean field;
    private String prefix;

    public Problems() {
        this(new ArrayList<>(), null, "", false);
    }

    private Problems(List<Problem> found, Problems parent, String segment, boolean field) {
        this.found = found;
        this.parent = parent;
        this.segment = segment;
        this.field = field;
    }

    /** A view that reports below {@code field}, e.g. {@code at("spec").at("cidr")}. */
    public Problems at(String field) {
        return new Problems(found, this, field, true);
    }

    /** A view that reports below the element {@code index} of the list this view points at. */
    public Problems at(int index) {
        return new Problems(found, this, "[" + index + "]", false);
    }

    /** A view below a map key; keys that are not plain words are quoted so the path stays readable. */
    public Problems atKey(String key) {
        boolean plain = key.matches("[A-Za-z0-9_-]+");
        return plain ? at(key) : new Problems(found, this, "[\"" + key + "\"]", false);
    }

    public String path() {
        if (prefix == null) {
            String above = parent == null ? "" : parent.path();
            prefix = above.isEmpty() ? segment : field ? above + "." + segment : above + segment;
        }
        return prefix;
    }

    public void error(String message) {
        found.add(new Problem(path(), message, true));
    }

    public void warn(String message) {
        found.add(new Problem(path(), message, false));
    }

    /** True when an error was reported at this view's path or below it. */
    public boolean hasErrors() {
        return found.stream().anyMatch(p -> p.fatal() && isAtOrBelow(p.path()));
    }

    private boolean isAtOrBelow(String path) {
        String prefix = path();
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
