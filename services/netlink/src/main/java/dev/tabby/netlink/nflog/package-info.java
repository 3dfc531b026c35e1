/**
 * Flow-log sources over NETLINK_NETFILTER: packets that iptables NFLOG rules log ({@link
 * dev.tabby.netlink.nflog.NflogSocket}, nfnetlink_log) and conntrack entries as they end, with their counts ({@link
 * dev.tabby.netlink.nflog.ConntrackEvents}, ctnetlink). Each reads in the network namespace it was opened in, on one
 * thread the caller gives it. Built on {@code dev.tabby.netlink.raw}'s socket, message and attribute code.
 */
package dev.tabby.netlink.nflog;
