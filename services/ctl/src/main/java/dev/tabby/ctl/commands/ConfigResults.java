package dev.tabby.ctl.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one create, apply, replace or delete did, reported in calicoctl's words: the tail of Create, Apply, Replace
 * and Delete in calicoctl/commands/{create,apply,replace,delete}.go over the CommandResults of
 * calicoctl/commands/common/resources.go (ExecuteConfigCommand).
 *
 * <p>One difference on purpose: calicoctl counts a resource whose write failed as handled (ExecuteResourceAction
 * returns one object even with an error), so its "Partial success: created the first 2 out of 2" counts the
 * failure too. Here {@code handled} counts only resources written, or skipped by --skip-exists/--skip-not-exists.
 */
final class ConfigResults {
    enum Action {
        CREATE("create", "created", "Hit error: "),
        APPLY("apply", "applied", "Hit error(s): "),
        REPLACE("replace", "replaced", "Hit error: "),
        DELETE("delete", "deleted", null);

        final String infinitive;
        final String past;
        final String hitError;

        Action(String infinitive, String past, String hitError) {
            this.infinitive = infinitive;
            this.past = past;
            this.hitError = hitError;
        }
    }

    private final Action action;
    private final int total;
    private final String singleKind;
    private final List<String> errors = new ArrayList<>();
    private int handled;

    /**
     * @param kindNames      the kind of each resource, in order
     * @param byKindArgument true when the resources were named by KIND NAME... on the command line: calicoctl then
     *                       reports the kind even for one resource of it ({@code singleKind} in resources.go)
     */
    ConfigResults(Action action, List<String> kindNames, boolean byKindArgument) {
        this.action = action;
        this.total = kindNames.size();
        Set<String> kinds = new LinkedHashSet<>(kindNames);
        this.singleKind = kinds.size() == 1 || (byKindArgument && !kinds.isEmpty()) ? kinds.iterator().next() : null;
    }

    void handled() {
        handled++;
    }

    void failed(RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        errors.add(msg.lines().findFirst().orElse(msg));
    }

    /** Prints the success or partial-success line; throws the failure lines when any resource failed. */
    void report(PrintWriter out) {
        if (total == 0) {
            // calicoctl: "No resources specified" on standard output, success (only reached with --skip-empty).
            out.println("No resources specified");
            return;
        }
        if (action == Action.DELETE) {
            reportDelete(out);
            return;
        }
        String kindQuoted = singleKind == null ? null : "'" + singleKind + "'";
        // replace.go reports the one error that stopped it; create.go and apply.go the list of errors, as Go prints
        // a []error: "[first second]".
        String errText = action == Action.REPLACE ? errors.isEmpty() ? "" : errors.get(0) : "[" + String.join(" ", errors) + "]";
        if (errors.isEmpty()) {
            out.println("Successfully " + action.past + " " + handled + " "
                    + (kindQuoted == null ? "" : kindQuoted + " ") + "resource(s)");
            return;
        }
        if (handled == 0) {
            if (total == 1) {
                throw new CommandFailedException("Failed to " + action.infinitive + " " + kindQuoted + " resource: " + errText);
            }
            throw new CommandFailedException("Failed to " + action.infinitive + " any "
                    + (kindQuoted == null ? "" : kindQuoted + " ") + "resources: " + errText);
        }
        out.println("Partial success: " + action.past + " the first " + handled + " out of " + total + " "
                + (kindQuoted == null ? "" : kindQuoted + " ") + "resources:");
        throw new CommandFailedException(action.hitError + errText);
    }

    /** delete.go: the success count when anything was deleted, then one line per resource that failed. */
    private void reportDelete(PrintWriter out) {
        if (handled > 0) {
            out.println("Successfully deleted " + handled + " " + (singleKind == null ? "" : "'" + singleKind + "' ")
                    + "resource(s)");
        }
        if (!errors.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (String e : errors) {
                lines.add(singleKind == null ? "Failed to delete resource: " + e
                        : "Failed to delete '" + singleKind + "' resource: " + e);
            }
            throw new CommandFailedException(lines);
        }
    }
}
