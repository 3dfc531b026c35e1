package dev.tabby.bgp.speaker;

import dev.tabby.bgp.wire.BgpDecodeException;
import dev.tabby.bgp.wire.BgpFraming;
import dev.tabby.bgp.wire.BgpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Cuts a connection's bytes into BGP messages and hands each to its session. After a decode error nothing more
 * is read from the connection: the session sends the NOTIFICATION and closes it.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    private final PeerSession session;
    private ByteBuf cumulation;
    private boolean failed;

    FrameHandler(PeerSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (failed) {
            in.release();
            return;
        }
        if (cumulation == null) {
            cumulation = ctx.alloc().heapBuffer(Math.max(4096, in.readableBytes()));
        }
        cumulation.writeBytes(in);
        in.release();
        try {
            while (!failed && cumulation.isReadable()) {
                BgpMessage message = BgpFraming.decode(cumulation, session.decodeContext(ctx.channel()));
                if (message == null) {
                    break;
                }
                session.received(ctx.channel(), message);
            }
        } catch (BgpDecodeException e) {
            failed = true;
            session.decodeFailed(ctx.channel(), e);
        } finally {
            if (cumulation != null) {
                cumulation.discardSomeReadBytes();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        session.inactive(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or read error: channelInactive follows and tells the session
    }

    private void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
