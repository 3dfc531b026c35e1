package dev.tabby.renderer.bench;

import dev.tabby.dataplane.iptables.CommandRunner;
import java.util.List;

/** Runs a command for the benchmark's own setup and checks; fails with its output when it exits non-zero. */
final class Commands {
    private Commands() {
    }

    static String run(String... argv) {
        return run(CommandRunner.plain(), List.of(argv), "");
    }

    static String run(CommandRunner runner, List<String> argv, String stdin) {
        CommandRunner.Result r = runner.run(argv, stdin);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exitCode() + ": "
                    + r.stderr().strip().lines().findFirst().orElse("(no message)"));
        }
        return r.stdout();
    }
}
