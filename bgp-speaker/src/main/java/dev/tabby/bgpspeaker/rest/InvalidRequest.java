package dev.tabby.bgpspeaker.rest;

/**
 * A request refused before anything is applied; answered 400 with the message as the one-line body. Control
 * characters of echoed user text become '?', so the message stays one line.
 */
public final class InvalidRequest extends RuntimeException {
    public InvalidRequest(String message) {
        super(message.replaceAll("\\p{Cntrl}", "?"), null, false, false);
    }
}
