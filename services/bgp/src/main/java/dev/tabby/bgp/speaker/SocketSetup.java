package dev.tabby.bgp.speaker;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.util.Collection;

/**
 * Socket options the JDK cannot set, applied around the speaker's connections: TCP MD5 signatures (RFC 2385) and
 * GTSM (RFC 5082). The default sets nothing.
 */
public interface SocketSetup {
    SocketSetup NONE = new SocketSetup() {
    };

    /** The class of outgoing connections (one that can give its file descriptor, when options are set). */
    default Class<? extends Channel> clientChannel() {
        return NioSocketChannel.class;
    }

    default Class<? extends ServerChannel> serverChannel() {
        return NioServerSocketChannel.class;
    }

    /** On a new outgoing connection to {@code peer}, before it connects. */
    default void beforeConnect(Channel channel, PeerConfig peer) throws IOException {
    }

    /** On the listening socket whenever the configured peers change (MD5 keys live there, one per address). */
    default void listening(Channel listener, Collection<PeerConfig> peers) throws IOException {
    }

    /** On a connection accepted from {@code peer}. */
    default void accepted(Channel channel, PeerConfig peer) throws IOException {
    }
}
