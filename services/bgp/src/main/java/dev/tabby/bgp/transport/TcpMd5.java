package dev.tabby.bgp.transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * TCP MD5 signatures (RFC 2385) on a socket: one key per peer address, set with TCP_MD5SIG. On a listening socket the
 * key must be there before the peer's SYN arrives (the kernel drops unsigned or wrongly signed segments from an address
 * that has a key, and signed ones from an address that has none); on an outgoing socket, before connect(). BIRD does the
 * same (sysdep/linux/sysio.h, sk_set_md5_auth). The password is copied into a native buffer that is zeroed right after
 * the call, and never appears in a message.
 */
public final class TcpMd5 {
    /**
     * struct tcp_md5sig (include/uapi/linux/tcp.h): sockaddr_storage tcpm_addr (128), u8 tcpm_flags, u8
     * tcpm_prefixlen, u16 tcpm_keylen, u32 __tcpm_pad, u8 tcpm_key[80].
     */
    private static final int KEYLEN_OFFSET = 130;
    private static final int KEY_OFFSET = 136;
    private static final int STRUCT_SIZE = KEY_OFFSET + PeerPassword.MAX_OCTETS;

    private TcpMd5() {
    }

    /** Sets (or replaces) the key for segments to and from {@code peer}. */
    public static void setKey(SocketFd socket, InetAddress peer, PeerPassword password) throws SocketOptionException {
        ByteBuffer buf = ByteBuffer.allocateDirect(STRUCT_SIZE).order(ByteOrder.nativeOrder());
        try {
            int fd = socket.fd();
            writeAddress(buf, fd, peer);
            buf.putShort(KEYLEN_OFFSET, (short) password.length());
            buf.position(KEY_OFFSET);
            password.writeTo(buf);
            buf.position(0);
            SocketOptions.set(fd, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_MD5SIG, buf);
        } catch (SocketOptionException e) {
            throw new SocketOptionException(e.errno(), "cannot set the TCP MD5 key for peer " + peer.getHostAddress()
                    + ": " + e.getMessage());
        } finally {
            zero(buf);
        }
    }

    /**
     * Removes the key for {@code peer} (a key of length 0 deletes it). Returns false when there was none, so a caller
     * can remove without knowing.
     */
    public static boolean removeKey(SocketFd socket, InetAddress peer) throws SocketOptionException {
        ByteBuffer buf = ByteBuffer.allocateDirect(STRUCT_SIZE).order(ByteOrder.nativeOrder());
        try {
            int fd = socket.fd();
            writeAddress(buf, fd, peer);
            SocketOptions.set(fd, SocketOptions.IPPROTO_TCP, SocketOptions.TCP_MD5SIG, buf);
            return true;
        } catch (SocketOptionException e) {
            if (e.errno() == SocketOptionException.ENOENT) {
                return false;
            }
            throw new SocketOptionException(e.errno(), "cannot remove the TCP MD5 key for peer "
                    + peer.getHostAddress() + ": " + e.getMessage());
        }
    }

    /**
     * tcpm_addr as the socket's family wants it. An IPv6 socket (java.nio's default, dual-stack) talks to IPv4 peers
     * through v4-mapped addresses, and the kernel files a key given as ::ffff:a.b.c.d under the IPv4 address
     * (net/ipv6/tcp_ipv6.c, tcp_v6_parse_md5_keys), which is what its IPv4 segments are checked against.
     */
    private static void writeAddress(ByteBuffer buf, int fd, InetAddress peer) throws SocketOptionException {
        int family = SocketOptions.family(fd);
        byte[] addr = peer.getAddress();
        if (family == SocketOptions.AF_INET) {
            if (!(peer instanceof Inet4Address)) {
                throw new SocketOptionException(SocketOptionException.EAFNOSUPPORT, "the socket (fd " + fd
                        + ") is IPv4 and cannot talk to IPv6 peer " + peer.getHostAddress()
                        + "; use an IPv6 or dual-stack socket");
            }
            // struct sockaddr_in: sin_family (host order), sin_port, sin_addr
            buf.putShort(0, (short) SocketOptions.AF_INET);
            buf.position(4);
            buf.put(addr);
        } else if (family == SocketOptions.AF_INET6) {
            // struct sockaddr_in6: sin6_family (host order), sin6_port, sin6_flowinfo, sin6_addr, sin6_scope_id
            buf.putShort(0, (short) SocketOptions.AF_INET6);
            buf.position(8);
            if (peer instanceof Inet4Address) {
                buf.position(8 + 10);
                buf.put((byte) 0xff).put((byte) 0xff);
            }
            buf.put(addr);
        } else {
            throw new SocketOptionException(SocketOptionException.EAFNOSUPPORT, "socket fd " + fd
                    + " is of address family " + family + ", not IPv4 or IPv6");
        }
        buf.position(0);
    }

    private static void zero(ByteBuffer buf) {
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0);
        }
    }
}
