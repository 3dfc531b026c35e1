package dev.tabby.ctl;

import dev.tabby.model.codec.ManifestException;
import picocli.CommandLine;

/** Reduces an exception to the one line an operator reads. */
public final class Errors {
    private Errors() {
    }

    public static String oneLine(Throwable e) {
        if (e instanceof ManifestException m && m.problems().size() > 1) {
            return String.join("\n  ", m.problems());
        }
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        return msg.lines().findFirst().orElse(msg);
    }

    /**
     * A usage error, naming the command it is for: {@code tabbyctl create: Unknown option: '--frob' (see 'tabbyctl
     * create --help')}. An unknown command is said as calicoctl/calicoctl.go says it: {@code Unknown command: "frob"}.
     */
    public static String usage(CommandLine.ParameterException ex) {
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String command = spec.qualifiedName();
        String msg = ex.getMessage() == null ? "bad arguments" : ex.getMessage().lines().findFirst().orElse("bad arguments");
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !spec.subcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            msg = "Unknown command: \"" + u.getUnmatched().get(0) + "\"; one of " + String.join(", ", spec.subcommands().keySet());
        }
        return command + ": " + msg + " (see '" + command + " --help')";
    }
}
