package dev.tabby.dataplane.loop;

/**
 * What readiness reports: ready means in sync with the datastore and the last apply succeeded.
 *
 * @param inSync              the datastore's first in-sync has been seen
 * @param applied             at least one apply ran since then
 * @param lastApplySucceeded  the most recent apply wrote everything
 * @param lastError           why the most recent apply failed, or null
 * @param consecutiveFailures failed applies in a row, 0 after a success
 */
public record LoopStatus(boolean inSync, boolean applied, boolean lastApplySucceeded, String lastError,
                         int consecutiveFailures) {

    public static final LoopStatus STARTING = new LoopStatus(false, false, false, null, 0);

    public boolean ready() {
        return inSync && applied && lastApplySucceeded;
    }

    /** Why not ready, in an operator's words; "ready" when it is. */
    public String reason() {
        if (!inSync) {
            return "waiting for the datastore to be in sync; no kernel writes yet";
        }
        if (!applied) {
            return "in sync; waiting for the first apply";
        }
        if (!lastApplySucceeded) {
            return "last apply failed (" + consecutiveFailures + " in a row), retrying with backoff: " + lastError;
        }
        return "ready";
    }
}
