package dev.tabby.probe.net;

/** Whether a firewall rule's conditions hold for a {@link Traffic}: yes, no, or depends on what the probe cannot know. */
enum RuleMatch {
    MATCH, NO_MATCH, UNKNOWN;

    RuleMatch and(RuleMatch other) {
        if (this == NO_MATCH || other == NO_MATCH) {
            return NO_MATCH;
        }
        return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : MATCH;
    }

    static RuleMatch of(boolean holds, boolean negated) {
        return holds != negated ? MATCH : NO_MATCH;
    }
}
