package dev.tabby.bgp.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Netty's NIO TCP channel with its kernel descriptor reachable, for {@link TcpMd5} and {@link Gtsm}. The socket exists
 * from construction, so a channel factory can set an MD5 key before Netty connects it.
 */
public class BgpSocketChannel extends NioSocketChannel implements SocketFd {
    /** A dual-stack (IPv6, v4-mapped) socket, as java.nio opens one by default. */
    public BgpSocketChannel() {
        super();
    }

    /** A socket of one family: {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}. */
    public BgpSocketChannel(StandardProtocolFamily family) {
        super(open(family));
    }

    /** A connection a {@link BgpServerSocketChannel} accepted. */
    BgpSocketChannel(Channel parent, SocketChannel accepted) {
        super(parent, accepted);
    }

    @Override
    public int fd() throws SocketOptionException {
        return NioFd.of(javaChannel());
    }

    private static SocketChannel open(StandardProtocolFamily family) {
        try {
            return SelectorProvider.provider().openSocketChannel(family);
        } catch (IOException e) {
            throw new ChannelException("cannot open a " + family + " TCP socket: " + e.getMessage(), e);
        }
    }
}
