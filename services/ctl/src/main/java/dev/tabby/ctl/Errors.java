package dev.tabby.ctl;

import dev.tabby.model.codec.ManifestException;

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
}
