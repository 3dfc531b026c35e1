package dev.tabby.model.selector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The literal set of an {@code in} / {@code not in} test: de-duplicated and sorted (as Calico's
 * StringSet is) so the canonical text does not depend on how the user ordered it, and hashed so
 * membership is O(1) on the evaluation hot path.
 */
final class ValueSet {

    private final List<String> sorted;
    private final Set<String> members;

    private ValueSet(List<String> sorted) {
        this.sorted = sorted;
        this.members = Set.copyOf(sorted);
    }

    static ValueSet of(Collection<String> values) {
        List<String> copy = new ArrayList<>(Set.copyOf(values));
        copy.sort(Literals.CODE_POINT_ORDER);
        return new ValueSet(List.copyOf(copy));
    }

    boolean contains(String value) {
        return members.contains(value);
    }

    /** The values in canonical order. */
    List<String> sorted() {
        return sorted;
    }

    /** Appends the set as {@code {"a", "b"}}. */
    void print(StringBuilder out) {
        out.append('{');
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            Literals.appendQuoted(out, sorted.get(i));
        }
        out.append('}');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueSet other && sorted.equals(other.sorted);
    }

    @Override
    public int hashCode() {
        return sorted.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        print(out);
        return out.toString();
    }
}
