package dev.tabby.netlink;

/**
 * A change to a link, from the kernel's RTNLGRP_LINK group. The kernel sends RTM_NEWLINK both when a link appears
 * and when one of its attributes changes (up/down, MTU, master, ...), so {@link Type#NEW} means "created or
 * changed"; {@link Type#DEL} carries the link as it was when it went away.
 */
public record LinkEvent(Type type, Link link) {
    public enum Type { NEW, DEL }
}
