package dev.tabby.bgp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Netty echo server and its clients on a loopback address, over the channels under test. Everything it opens is
 * closed by {@link #close()}, also when a test fails.
 */
final class Loopback implements AutoCloseable {
    /** Long enough for loopback to connect many times over; a dropped SYN is only retried after 1 s. */
    static final int CONNECT_TIMEOUT_MILLIS = 3_000;

    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final List<Channel> opened = new CopyOnWriteArrayList<>();
    /** The connections the server accepted, in order. */
    final List<BgpSocketChannel> accepted = new CopyOnWriteArrayList<>();

    /** Starts an echo server on {@code address}, port chosen by the kernel, on the listener {@code listener} makes. */
    BgpServerSocketChannel listen(InetAddress address, Supplier<BgpServerSocketChannel> listener) {
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channelFactory((ChannelFactory<BgpServerSocketChannel>) listener::get)
                .childHandler(new ChannelInitializer<BgpSocketChannel>() {
                    @Override
                    protected void initChannel(BgpSocketChannel ch) {
                        accepted.add(ch);
                        opened.add(ch);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        });
                    }
                });
        Channel server = b.bind(new InetSocketAddress(address, 0)).syncUninterruptibly().channel();
        opened.add(server);
        return (BgpServerSocketChannel) server;
    }

    /** Connects to {@code server} over the channel {@code client} makes (already keyed, if it is to be). */
    ChannelFuture connect(BgpServerSocketChannel server, Supplier<BgpSocketChannel> client) {
        Bootstrap b = new Bootstrap().group(group).channelFactory((ChannelFactory<BgpSocketChannel>) client::get)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter());
        ChannelFuture f = b.connect(server.localAddress());
        opened.add(f.channel());
        return f;
    }

    /** Sends {@code text} on a connected channel and returns what the echo server sent back. */
    static String echo(Channel ch, String text) throws Exception {
        byte[] out = text.getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<String> reply = new CompletableFuture<>();
        ByteBuf received = Unpooled.buffer();
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf in = (ByteBuf) msg;
                received.writeBytes(in);
                in.release();
                if (received.readableBytes() >= out.length) {
                    reply.complete(received.toString(StandardCharsets.US_ASCII));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                reply.completeExceptionally(new IllegalStateException("connection closed before the echo"));
            }
        });
        ch.writeAndFlush(Unpooled.wrappedBuffer(out)).syncUninterruptibly();
        try {
            return reply.get(10, TimeUnit.SECONDS);
        } finally {
            received.release();
        }
    }

    @Override
    public void close() {
        for (Channel ch : opened) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
