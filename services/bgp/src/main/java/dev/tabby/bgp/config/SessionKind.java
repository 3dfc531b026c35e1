package dev.tabby.bgp.config;

/** Why a session exists. REVERSE is confd's implicit peering back to a BGPPeer's local nodes (client.go). */
public enum SessionKind { MESH, GLOBAL, NODE_SPECIFIC, PEER_SELECTOR, REVERSE }
