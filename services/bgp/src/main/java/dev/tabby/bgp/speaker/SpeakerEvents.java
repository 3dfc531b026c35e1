package dev.tabby.bgp.speaker;

import dev.tabby.bgp.session.SessionState;

/**
 * What the speaker tells whoever reports for it (bgp-speaker turns these into events, issue 15): a session's state
 * changed, a peer sent more prefixes than allowed, a message could not be accepted. Called on the speaker's event-loop
 * thread: an implementation must only queue, never wait. This library stays free of any event bus of its own.
 */
public interface SpeakerEvents {
    /** Reports nothing. */
    SpeakerEvents NONE = new SpeakerEvents() {
    };

    /**
     * The session with {@code peer} moved from one state to another (its state after a batch of FSM actions: a
     * session passing through OpenSent on its way to Established reports the state it settled in).
     *
     * @param reason why it went down (BIRD's last error words, e.g. "Received: Notification: hold timer expired"),
     *               empty when it came up or nothing went wrong
     */
    default void peerStateChanged(String peer, String address, SessionState from, SessionState to, String reason) {
    }

    /** {@code peer} sent {@code received} prefixes, more than its limit: the session is closed with Cease 1. */
    default void prefixLimitHit(String peer, String address, int limit, int received) {
    }

    /**
     * A message from {@code peer} could not be accepted, and the NOTIFICATION {@code code}/{@code subcode} was sent
     * for it (RFC 4271 section 6: a header, OPEN or UPDATE message error).
     *
     * @param problem what was wrong with it, in the decoder's words
     */
    default void malformedMessage(String peer, String address, int code, int subcode, String problem) {
    }
}
