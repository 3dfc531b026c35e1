package dev.tabby.model.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what validation finds while it walks a resource. Each visitor works at a {@link #at path}, so that
 * nested validators need not know where their object sits in the document.
 */
public final class Problems {
    private static final int FIELD = 0;
    private static final int INDEX = 1;
    private static final int QUOTED_KEY = 2;

    private final List<Problem> found;
    // The path is spelled out only when something is reported: most fields of most resources are fine, and
    // validating a thousand Nodes from etcd should not build a thousand paths it never shows. So a view keeps what
    // its segment is made of (a field, a list index, a map key that needs quoting) and spells it in path().
    private final Problems parent;
    private final String name;
    private final int index;
    private final int form;
    private String prefix;

    public Problems() {
        this(new ArrayList<>(), null, "", 0, FIELD);
    }

    private Problems(List<Problem> found, Problems parent, String name, int index, int form) {
        this.found = found;
        this.parent = parent;
        this.name = name;
        this.index = index;
        this.form = form;
    }

    /** A view that reports below {@code field}, e.g. {@code at("spec").at("cidr")}. */
    public Problems at(String field) {
        return new Problems(found, this, field, 0, FIELD);
    }

    /** A view that reports below the element {@code index} of the list this view points at. */
    public Problems at(int index) {
        return new Problems(found, this, null, index, INDEX);
    }

    /** A view below a map key; keys that are not plain words are quoted so the path stays readable. */
    public Problems atKey(String key) {
        return isPlainWord(key) ? at(key) : new Problems(found, this, key, 0, QUOTED_KEY);
    }

    /** {@code [A-Za-z0-9_-]+}, by hand: this runs for every label of every resource read. */
    private static boolean isPlainWord(String key) {
        int n = key.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public String path() {
        if (prefix == null) {
            String above = parent == null ? "" : parent.path();
            String segment = switch (form) {
                case INDEX -> "[" + index + "]";
                case QUOTED_KEY -> "[\"" + name + "\"]";
                default -> name;
            };
            prefix = above.isEmpty() ? segment : form == FIELD ? above + "." + segment : above + segment;
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
        // Asked per list element while a resource is checked; nearly always nothing was found.
        if (found.isEmpty()) {
            return false;
        }
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
