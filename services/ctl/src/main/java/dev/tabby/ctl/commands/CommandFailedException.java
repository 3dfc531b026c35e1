package dev.tabby.ctl.commands;

import java.util.List;

/**
 * A command that ran and failed, with the lines calicoctl prints to standard error for that failure (each line is
 * printed after the {@code tabbyctl: } prefix). Exit code 1.
 */
public final class CommandFailedException extends RuntimeException {
    private final List<String> lines;

    public CommandFailedException(List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    public CommandFailedException(String line) {
        this(List.of(line));
    }

    public List<String> lines() {
        return lines;
    }
}
