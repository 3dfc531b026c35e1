package dev.tabby.bgp.session;

/** The mandatory timers of RFC 4271 section 8.1.3 (DelayOpen and IdleHold are optional and not used). */
public enum SessionTimer {
    CONNECT_RETRY, HOLD, KEEPALIVE
}
