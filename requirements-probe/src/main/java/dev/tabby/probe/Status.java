package dev.tabby.probe;

import java.util.Locale;

/** A check's verdict. {@code skip} means the check could not or need not run here, and says why. */
public enum Status {
    PASS, WARN, FAIL, SKIP;

    /** As it appears in JSON and tables: {@code pass}, {@code warn}, {@code fail}, {@code skip}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The worse of two verdicts for a check built from several findings (skip is the mildest). */
    public Status worse(Status other) {
        return rank(other) > rank(this) ? other : this;
    }

    private static int rank(Status s) {
        return switch (s) {
            case SKIP -> 0;
            case PASS -> 1;
            case WARN -> 2;
            case FAIL -> 3;
        };
    }

    public static Status parse(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
