package dev.tabby.bgp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TCP MD5 (RFC 2385) between real sockets on loopback. A wrongly signed or unsigned SYN is dropped by the listener's
 * kernel without a reply, and a signed SYN to a listener with no key for its source likewise, so the client's connect
 * times out and the server accepts nothing: that, not a refusal, is what each negative case asserts.
 */
class TcpMd5Test {
    private static final PeerPassword KEY = password("tabby-md5-test-key");
    private static final PeerPassword OTHER_KEY = password("some-other-key");

    /** The listener and client sockets each case runs over: dual-stack (java.nio's default) or one family. */
    enum Sockets {
        DUAL_STACK_V4("127.0.0.1", null),
        INET_V4("127.0.0.1", StandardProtocolFamily.INET),
        DUAL_STACK_V6("::1", null),
        INET6_V6("::1", StandardProtocolFamily.INET6);

        final InetAddress address;
        final StandardProtocolFamily family;

        Sockets(String address, StandardProtocolFamily family) {
            try {
                this.address = InetAddress.getByName(address);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            this.family = family;
        }

        BgpServerSocketChannel listener() {
            return family == null ? new BgpServerSocketChannel() : new BgpServerSocketChannel(family);
        }

        BgpSocketChannel client() {
            return family == null ? new BgpSocketChannel() : new BgpSocketChannel(family);
        }

        /** A client socket with {@code key} set for the server's address before Netty connects it. */
        Supplier<BgpSocketChannel> client(PeerPassword key) {
            return () -> {
                BgpSocketChannel ch = client();
                if (key != null) {
                    try {
                        TcpMd5.setKey(ch, address, key);
                    } catch (SocketOptionException e) {
                        ch.close();
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
                return ch;
            };
        }
    }

    @BeforeAll
    static void descriptorsReadable() {
        assertNull(NioFd.unavailableReason(), "surefire's argLine must carry " + NioFd.JVM_FLAG);
    }

    @ParameterizedTest
    @EnumSource(Sockets.class)
    void sameKeyOnBothEndsConnectsAndCarriesData(Sockets s) throws Exception {
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(s.address, s::listener);
            TcpMd5.setKey(server, s.address, KEY);

            ChannelFuture f = net.connect(server, s.client(KEY));
            assertTrue(f.awaitUninterruptibly(10, TimeUnit.SECONDS) && f.isSuccess(), () -> "connect: " + f.cause());
            assertEquals("OPEN-ish bytes", Loopback.echo(f.channel(), "OPEN-ish bytes"));
        }
    }

    @ParameterizedTest
    @EnumSource(Sockets.class)
    void differentKeyCannotConnect(Sockets s) throws Exception {
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(s.address, s::listener);
            TcpMd5.setKey(server, s.address, KEY);

            assertDropped(net, net.connect(server, s.client(OTHER_KEY)));
        }
    }

    @ParameterizedTest
    @EnumSource(Sockets.class)
    void clientWithoutKeyCannotConnect(Sockets s) throws Exception {
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(s.address, s::listener);
            TcpMd5.setKey(server, s.address, KEY);

            assertDropped(net, net.connect(server, s.client(null)));
        }
    }

    @ParameterizedTest
    @EnumSource(Sockets.class)
    void signedClientCannotConnectToListenerWithoutKey(Sockets s) throws Exception {
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(s.address, s::listener);

            assertDropped(net, net.connect(server, s.client(KEY)));
        }
    }

    @ParameterizedTest
    @EnumSource(Sockets.class)
    void removingTheKeysOnBothEndsConnectsAgain(Sockets s) throws Exception {
        try (Loopback net = new Loopback()) {
            BgpServerSocketChannel server = net.listen(s.address, s::listener);
            TcpMd5.setKey(server, s.address, KEY);
            assertDropped(net, net.connect(server, s.client(null)));

            assertTrue(TcpMd5.removeKey(server, s.address));
            Supplier<BgpSocketChannel> keyedThenUnkeyed = () -> {
                BgpSocketChannel ch = s.client(KEY).get();
                try {
                    assertTrue(TcpMd5.removeKey(ch, s.address));
                } catch (SocketOptionException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                return ch;
            };
            ChannelFuture f = net.connect(server, keyedThenUnkeyed);
            assertTrue(f.awaitUninterruptibly(10, TimeUnit.SECONDS) && f.isSuccess(), () -> "connect: " + f.cause());
            assertEquals("after removal", Loopback.echo(f.channel(), "after removal"));
        }
    }

    @Test
    void removingAKeyThatIsNotThereSaysSo() throws Exception {
        BgpServerSocketChannel server = new BgpServerSocketChannel();
        try {
            assertFalse(TcpMd5.removeKey(server, InetAddress.getByName("127.0.0.1")));
        } finally {
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void ipv4SocketRefusesAnIpv6PeerWithoutNamingTheKey() throws Exception {
        BgpSocketChannel ch = new BgpSocketChannel(StandardProtocolFamily.INET);
        try {
            SocketOptionException e = assertThrows(SocketOptionException.class,
                    () -> TcpMd5.setKey(ch, InetAddress.getByName("::1"), KEY));
            assertEquals(SocketOptionException.EAFNOSUPPORT, e.errno());
            assertTrue(e.getMessage().startsWith("cannot set the TCP MD5 key for peer 0:0:0:0:0:0:0:1: the socket (fd "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("tabby-md5-test-key"));
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @Test
    void closedChannelIsAPreciseError() {
        BgpSocketChannel ch = new BgpSocketChannel();
        ch.unsafe().closeForcibly();
        SocketOptionException e = assertThrows(SocketOptionException.class,
                () -> TcpMd5.setKey(ch, InetAddress.getLoopbackAddress(), KEY));
        assertEquals("cannot set the TCP MD5 key for peer 127.0.0.1: cannot read the socket's file descriptor: "
                + "the channel is closed", e.getMessage());
    }

    @Test
    void passwordNeverShowsItself() {
        assertEquals("PeerPassword[18 octets, redacted]", KEY.toString());
        assertTrue(KEY.sameAs(password("tabby-md5-test-key")));
        assertFalse(KEY.sameAs(OTHER_KEY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerPassword.of("x".repeat(81).getBytes(StandardCharsets.US_ASCII)));
        assertFalse(e.getMessage().contains("xxx"), e.getMessage());
    }

    /** The connect timed out (its SYNs were dropped, not refused) and the server accepted nothing. */
    private static void assertDropped(Loopback net, ChannelFuture f) {
        assertTrue(f.awaitUninterruptibly(Loopback.CONNECT_TIMEOUT_MILLIS + 5_000L, TimeUnit.MILLISECONDS),
                "connect neither succeeded nor failed");
        assertFalse(f.isSuccess(), "connected although the keys do not match");
        assertInstanceOf(ConnectTimeoutException.class, f.cause(), "expected the SYNs to be dropped: " + f.cause());
        assertEquals(0, net.accepted.size(), "the server accepted a connection");
    }

    private static PeerPassword password(String text) {
        return PeerPassword.of(text.getBytes(StandardCharsets.US_ASCII));
    }
}
