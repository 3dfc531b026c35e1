package dev.tabby.bgp.session;

/** The six states of RFC 4271 section 8.2.2. */
public enum SessionState {
    IDLE, CONNECT, ACTIVE, OPEN_SENT, OPEN_CONFIRM, ESTABLISHED
}
