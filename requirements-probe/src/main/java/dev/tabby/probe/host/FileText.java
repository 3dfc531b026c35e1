package dev.tabby.probe.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What reading one host file gave: its text, or that it is not there (which is often an answer in itself), or why it
 * could not be read. Reads never throw; a check turns {@link #problem()} into a warning.
 *
 * @param shown   the path as the operator should see it (with the host root in front when there is one)
 * @param content the text when {@link #ok()}, else null
 * @param problem why it could not be read when {@link #unreadable()}, else null
 */
public record FileText(String shown, Kind kind, String content, String problem) {

    public enum Kind { OK, MISSING, UNREADABLE }

    public FileText {
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(kind, "kind");
    }

    static FileText ok(String shown, String content) {
        return new FileText(shown, Kind.OK, content, null);
    }

    static FileText missing(String shown) {
        return new FileText(shown, Kind.MISSING, null, null);
    }

    static FileText unreadable(String shown, String problem) {
        return new FileText(shown, Kind.UNREADABLE, null, problem);
    }

    public boolean ok() {
        return kind == Kind.OK;
    }

    public boolean missing() {
        return kind == Kind.MISSING;
    }

    public boolean unreadable() {
        return kind == Kind.UNREADABLE;
    }

    public Optional<String> text() {
        return Optional.ofNullable(content);
    }

    /** The lines of the text; empty when there is none. */
    public List<String> lines() {
        return content == null ? List.of() : content.lines().toList();
    }

    /** The first line, trimmed, when the file is there and has one. */
    public Optional<String> firstLine() {
        return lines().stream().map(String::trim).filter(l -> !l.isEmpty()).findFirst();
    }

    /** For messages: {@code /proc/config.gz: unreadable (truncated gzip: ...)} or {@code /x: not present}. */
    public String describe() {
        return switch (kind) {
            case OK -> shown;
            case MISSING -> shown + " is not present";
            case UNREADABLE -> shown + " is unreadable (" + problem + ")";
        };
    }
}
