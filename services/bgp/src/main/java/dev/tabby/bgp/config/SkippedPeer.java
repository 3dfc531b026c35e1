package dev.tabby.bgp.config;

/** A peering the plan considered and left out, with the reason in one line. */
public record SkippedPeer(String what, String reason) {
}
