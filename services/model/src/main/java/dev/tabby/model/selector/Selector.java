package dev.tabby.model.selector;

import java.util.Map;
import java.util.Objects;

/**
 * A parsed Calico (v3.18) label selector, e.g.
 * {@code role == "db" && !has(quarantine) || tier in {"web", "edge"}}.
 *
 * <p>Immutable and thread-safe. Parse once, then call {@link #matches} as often as needed: it walks
 * a pre-built tree and allocates nothing. Two selectors are equal when their canonical texts
 * ({@link #toString()}) are equal; the canonical text is the one Calico itself prints.
 */
public final class Selector {

    /** {@code all()}: matches every label set. An empty selector parses to this. */
    public static final Selector ALL = new Selector(Node.All.INSTANCE);

    private final Node root;
    private final String canonical;

    private Selector(Node root) {
        this.root = root;
        StringBuilder out = new StringBuilder();
        root.print(out);
        this.canonical = out.toString();
    }

    /**
     * Parses selector text. Empty or whitespace-only text means {@code all()}.
     *
     * @throws SelectorException if the text is not a valid selector
     */
    public static Selector parse(String text) {
        Objects.requireNonNull(text, "selector text");
        Node root = Parser.parse(text);
        return root == Node.All.INSTANCE ? ALL : new Selector(root);
    }

    /** Wraps an already-built tree; for tests that generate trees directly. */
    static Selector of(Node root) {
        return new Selector(root);
    }

    Node root() {
        return root;
    }

    /**
     * Whether a resource with these labels is selected. A {@code null} map is treated as having no
     * labels, and so is a key mapped to {@code null}.
     */
    public boolean matches(Map<String, String> labels) {
        return root.eval(labels == null ? Map.of() : labels);
    }

    /** The canonical text; {@code parse(s.toString())} equals {@code s}. */
    @Override
    public String toString() {
        return canonical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selector other && canonical.equals(other.canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }
}
