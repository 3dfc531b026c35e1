package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.config.SessionKind;
import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.bgp.transport.PeerSecrets;

/**
 * One session for the speaker, with where it came from and the BGPPeer annotations that carry what Calico keeps in
 * a Kubernetes secret (Tabby has none: etcd only).
 *
 * <p>{@code passwordFile} and {@code ttlSecurityHops} are the annotation values as written, and {@code config} has
 * neither: reading the file belongs where the configuration is applied (the agent resolves them through
 * {@link PeerSecrets} into {@link PeerConfig#password()} and {@link PeerConfig#ttlSecurityHops()}), not in this
 * pure calculation.
 *
 * @param config          what the speaker takes
 * @param kind            mesh, global, node-specific, peer selector or reverse peering
 * @param bgpPeer         the BGPPeer behind it; null for the mesh
 * @param passwordFile    annotation {@code bgp.tabby.dev/password-file} of that BGPPeer, or null
 * @param ttlSecurityHops annotation {@code bgp.tabby.dev/ttl-security-hops} of that BGPPeer, or null
 */
public record ConfiguredPeer(PeerConfig config, SessionKind kind, String bgpPeer, String passwordFile,
                             String ttlSecurityHops) {
    public static final String PASSWORD_FILE_ANNOTATION = PeerSecrets.PASSWORD_FILE;
    public static final String TTL_SECURITY_HOPS_ANNOTATION = PeerSecrets.TTL_SECURITY_HOPS;
}
