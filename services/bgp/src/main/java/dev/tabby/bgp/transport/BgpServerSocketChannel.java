package dev.tabby.bgp.transport;

import io.netty.channel.ChannelException;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.List;

/**
 * Netty's NIO listening channel with its kernel descriptor reachable, so MD5 keys (one per peer address) and GTSM can
 * be set on the listening socket before peers connect. Accepted connections are {@link BgpSocketChannel}s; the kernel
 * copies the listener's keys, TTL and minimum TTL into each of them.
 */
public class BgpServerSocketChannel extends NioServerSocketChannel implements SocketFd {
    private static final System.Logger LOG = System.getLogger(BgpServerSocketChannel.class.getName());

    /** A dual-stack (IPv6, v4-mapped) socket, as java.nio opens one by default. */
    public BgpServerSocketChannel() {
        super();
    }

    /** A socket of one family: {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}. */
    public BgpServerSocketChannel(StandardProtocolFamily family) {
        super(open(family));
    }

    @Override
    public int fd() throws SocketOptionException {
        return NioFd.of(javaChannel());
    }

    /** As NioServerSocketChannel's, with the accepted socket wrapped as a {@link BgpSocketChannel}. */
    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
        SocketChannel accepted = javaChannel().accept();
        if (accepted == null) {
            return 0;
        }
        try {
            buf.add(new BgpSocketChannel(this, accepted));
            return 1;
        } catch (RuntimeException e) {
            // As Netty does: a connection that cannot be wrapped is dropped, the listener stays up.
            LOG.log(System.Logger.Level.WARNING, "event=bgp-accept-failed error=\"" + e + "\"");
            accepted.close();
            return 0;
        }
    }

    private static ServerSocketChannel open(StandardProtocolFamily family) {
        try {
            return SelectorProvider.provider().openServerSocketChannel(family);
        } catch (IOException e) {
            throw new ChannelException("cannot open a " + family + " listening TCP socket: " + e.getMessage(), e);
        }
    }
}
