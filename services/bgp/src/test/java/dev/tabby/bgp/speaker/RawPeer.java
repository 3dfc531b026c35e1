package dev.tabby.bgp.speaker;

import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.BgpDecodeException;
import dev.tabby.bgp.wire.BgpFraming;
import dev.tabby.bgp.wire.BgpMessage;
import dev.tabby.bgp.wire.Capability;
import dev.tabby.bgp.wire.Keepalive;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.Open;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * A BGP peer made of a plain socket and the wire codec, for tests that need what a well-behaved speaker never does:
 * vanish without a NOTIFICATION, send what it likes, reconnect while the old session is still up.
 */
final class RawPeer implements AutoCloseable {
    static final Negotiated IPV4 = new Negotiated(true, false, java.util.Set.of(AfiSafi.IPV4_UNICAST));
    private final Socket socket = new Socket();
    private final ByteBuf in = Unpooled.buffer();

    RawPeer(String localAddress, String remoteAddress, int port) throws IOException {
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress(remoteAddress, port), 3000);
        socket.setSoTimeout(10_000);
    }

    /** OPEN for AS {@code as}, IPv4 unicast, 4-octet AS, and graceful restart when {@code restartTime} > 0. */
    void open(long as, String id, int restartTime, boolean forwarding) throws IOException {
        int bgpId = java.nio.ByteBuffer.wrap(InetAddress.getByName(id).getAddress()).getInt();
        List<Capability> caps = new java.util.ArrayList<>(List.of(Capability.MultiProtocol.of(AfiSafi.IPV4_UNICAST)));
        if (restartTime > 0) {
            caps.add(new Capability.GracefulRestart(0, restartTime, List.of(new Capability.GracefulRestart.Family(1, 1,
                    forwarding ? Capability.GracefulRestart.Family.FORWARDING_STATE : 0))));
        }
        send(Open.of(as, 90, bgpId, caps));
    }

    /** Reads until the session is up: the speaker's OPEN and KEEPALIVE, answered with our KEEPALIVE. */
    void establish() throws IOException, BgpDecodeException {
        expect(Open.class);
        send(Keepalive.INSTANCE);
        expect(Keepalive.class);
    }

    void announce(long as, String nextHop, String... prefixes) throws IOException {
        send(Update.of(List.of(), List.of(new PathAttribute.Origin(0),
                new PathAttribute.AsPath(List.of(AsPathSegment.sequence(as))),
                new PathAttribute.NextHop((Inet4Address) InetAddress.getByName(nextHop))),
                java.util.Arrays.stream(prefixes).map(Prefix::parse).toList()));
    }

    void endOfRib() throws IOException {
        send(AdjRibOut.endOfRib(AfiSafi.IPV4_UNICAST));
    }

    void send(BgpMessage message) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        BgpFraming.encode(message, IPV4, buf);
        sendRaw(buf);
    }

    void sendRaw(ByteBuf buf) throws IOException {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next message of that type, skipping others (UPDATEs, KEEPALIVEs) on the way. */
    <T extends BgpMessage> T expect(Class<T> type) throws IOException, BgpDecodeException {
        while (true) {
            BgpMessage m = next();
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    BgpMessage next() throws IOException, BgpDecodeException {
        InputStream stream = socket.getInputStream();
        byte[] chunk = new byte[4096];
        while (true) {
            BgpMessage m = BgpFraming.decode(in, IPV4);
            if (m != null) {
                return m;
            }
            int n = stream.read(chunk);
            if (n < 0) {
                throw new IOException("the speaker closed the connection");
            }
            in.writeBytes(chunk, 0, n);
        }
    }

    /** Vanishes: a reset, no NOTIFICATION (a crashed process, a cut cable). */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
