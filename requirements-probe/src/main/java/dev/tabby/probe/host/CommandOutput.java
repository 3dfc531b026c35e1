package dev.tabby.probe.host;

import java.util.List;
import java.util.Optional;

/**
 * The output of a read-only command ({@code iptables-save}, {@code nft list ruleset}, ...): run on a live host, or
 * read from a capture a fixture host root provides. Never thrown: {@link #problem()} says what went wrong.
 *
 * @param source  what was run or read, for messages: {@code iptables-legacy-save} or a capture's path
 * @param stdout  the output when {@link #ok()}
 * @param problem why there is no output: not installed, not captured, non-zero exit, timeout
 */
public record CommandOutput(String source, Kind kind, String stdout, String problem) {

    public enum Kind { OK, ABSENT, FAILED }

    public boolean ok() {
        return kind == Kind.OK;
    }

    public boolean absent() {
        return kind == Kind.ABSENT;
    }

    public Optional<String> text() {
        return Optional.ofNullable(stdout);
    }

    public List<String> lines() {
        return stdout == null ? List.of() : stdout.lines().toList();
    }

    static CommandOutput ok(String source, String stdout) {
        return new CommandOutput(source, Kind.OK, stdout, null);
    }

    static CommandOutput absent(String source, String why) {
        return new CommandOutput(source, Kind.ABSENT, null, why);
    }

    static CommandOutput failed(String source, String why) {
        return new CommandOutput(source, Kind.FAILED, null, why);
    }
}
