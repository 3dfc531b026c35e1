package dev.tabby.model.codec;

import java.util.List;

/**
 * A manifest that cannot be used, with every problem found, each one line naming the document, the field path,
 * the bad value and what is allowed. Nothing of such a manifest may be written.
 */
public final class ManifestException extends IllegalArgumentException {
    private final List<String> problems;

    public ManifestException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.get(0) + " (and " + (problems.size() - 1) + " more problem" + (problems.size() > 2 ? "s" : "") + ")");
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each. */
    public List<String> problems() {
        return problems;
    }
}
