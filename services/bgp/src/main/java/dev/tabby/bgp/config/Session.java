package dev.tabby.bgp.config;

/**
 * One "protocol bgp" block as bird.cfg.template / bird6.cfg.template renders it. port is null when the template
 * writes no "port"; sourceAddress is null when it writes no "source address"; passive is the mesh's "passive on"
 * (the template sets it on no other session); peerName names the BGPPeer behind it (null for the mesh).
 */
public record Session(String name, IpFamily family, String peerAddress, Integer port, long peerAs, long localAs,
                      SessionKind kind, boolean routeReflectorClient, String rrClusterId, boolean keepOriginalNextHop,
                      boolean passive, String sourceAddress, String peerName) {
}
