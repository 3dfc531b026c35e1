package dev.tabby.ipam.model;

/**
 * The life of a host affinity, as Calico spells it in the stored value. A node writes {@code pending} before it
 * creates the block and {@code confirmed} after, so a crash between the two leaves a marker the next claim
 * completes; {@code pendingDeletion} marks a release in progress.
 */
public enum AffinityState {
    CONFIRMED("confirmed"),
    PENDING("pending"),
    PENDING_DELETION("pendingDeletion");

    private final String text;

    AffinityState(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Reads the stored text; empty or missing means confirmed (values written before Calico had states). */
    public static AffinityState parse(String text) {
        if (text == null || text.isEmpty()) {
            return CONFIRMED;
        }
        for (AffinityState s : values()) {
            if (s.text.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("affinity state \"" + text + "\" is not one of confirmed, pending, pendingDeletion");
    }
}
