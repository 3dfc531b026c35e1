package dev.tabby.testbed.routers;

import java.util.Locale;

/** The reference routers, by the names {@code bin/tabby up --peer bird|gobgp|frr} takes. */
public enum RouterKind {
    BIRD,
    GOBGP,
    FRR;

    /** A new, not yet started router of this kind. */
    public Router create() {
        return switch (this) {
            case BIRD -> new BirdRouter();
            case GOBGP -> new GobgpRouter();
            case FRR -> new FrrRouter();
        };
    }

    /** The operator's name: bird, gobgp, frr. */
    public String operatorName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses bird, gobgp or frr. */
    public static RouterKind parse(String name) {
        for (RouterKind k : values()) {
            if (k.operatorName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown router \"" + name + "\": use bird, gobgp or frr");
    }
}
