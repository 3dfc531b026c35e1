package dev.tabby.bgp.speaker;

import dev.tabby.bgp.transport.BgpServerSocketChannel;
import dev.tabby.bgp.transport.BgpSocketChannel;
import dev.tabby.bgp.transport.Gtsm;
import dev.tabby.bgp.transport.PeerPassword;
import dev.tabby.bgp.transport.SocketFd;
import dev.tabby.bgp.transport.SocketOptionException;
import dev.tabby.bgp.transport.TcpMd5;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of a speaker whose peers may have TCP MD5 passwords (RFC 2385) or GTSM (RFC 5082): the listener
 * holds one key per peer address (the kernel checks the SYN against it), an outgoing connection gets its key and
 * TTL before it connects, an accepted one its TTL. As BIRD's {@code sk_set_md5_auth} does.
 */
public final class SecuredSockets implements SocketSetup {
    private final Map<InetAddress, PeerPassword> listenerKeys = new HashMap<>();
    private boolean gtsmListener;

    @Override
    public Class<? extends Channel> clientChannel() {
        return BgpSocketChannel.class;
    }

    @Override
    public Class<? extends ServerChannel> serverChannel() {
        return BgpServerSocketChannel.class;
    }

    @Override
    public void beforeConnect(Channel channel, PeerConfig peer) throws IOException {
        try {
            secureOutgoing(channel, peer);
        } catch (SocketOptionException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void secureOutgoing(Channel channel, PeerConfig peer) throws SocketOptionException {
        if (peer.password() != null) {
            TcpMd5.setKey((SocketFd) channel, peer.address(), password(peer));
        }
        if (peer.ttlSecurityHops() != null) {
            Gtsm.apply((SocketFd) channel, peer.ttlSecurityHops());
        }
    }

    @Override
    public void listening(Channel listener, Collection<PeerConfig> peers) throws IOException {
        try {
            keys(listener, peers);
        } catch (SocketOptionException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void keys(Channel listener, Collection<PeerConfig> peers) throws SocketOptionException {
        SocketFd socket = (SocketFd) listener;
        if (!gtsmListener && peers.stream().anyMatch(p -> p.ttlSecurityHops() != null)) {
            Gtsm.sendWithMaxTtl(socket);
            gtsmListener = true;
        }
        Set<InetAddress> wanted = new HashSet<>();
        for (PeerConfig p : peers) {
            if (p.password() == null) {
                continue;
            }
            wanted.add(p.address());
            if (!p.password().equals(listenerKeys.get(p.address()))) {
                TcpMd5.setKey(socket, p.address(), password(p));
                listenerKeys.put(p.address(), p.password());
            }
        }
        for (InetAddress gone : Set.copyOf(listenerKeys.keySet())) {
            if (!wanted.contains(gone)) {
                TcpMd5.removeKey(socket, gone);
                listenerKeys.remove(gone);
            }
        }
    }

    @Override
    public void accepted(Channel channel, PeerConfig peer) throws IOException {
        if (peer.ttlSecurityHops() != null) {
            try {
                Gtsm.apply((SocketFd) channel, peer.ttlSecurityHops());
            } catch (SocketOptionException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    private static PeerPassword password(PeerConfig peer) {
        return peer.password();
    }
}
