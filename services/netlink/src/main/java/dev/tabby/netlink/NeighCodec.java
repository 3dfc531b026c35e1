package dev.tabby.netlink;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.raw.Attrs;
import dev.tabby.netlink.raw.MessageBuilder;
import java.nio.ByteBuffer;

/**
 * RTM_*NEIGH messages: ndmsg + NDA_* attributes (linux/neighbour.h), for ARP/NDP entries ({@link Neigh}) and for
 * VXLAN forwarding entries ({@link Fdb}: family AF_BRIDGE, NTF_SELF, NDA_DST = the remote VTEP).
 */
final class NeighCodec {
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;

    static final int NTF_SELF = 0x02;
    static final int NTF_PROXY = 0x08;

    private static final int NDMSG_LEN = 12;

    private NeighCodec() {
    }

    /** ndmsg: family, pad, pad, ifindex, state, flags, type. */
    static MessageBuilder message(int type, int nlFlags, int family, int index, int state, int ntfFlags) {
        return new MessageBuilder(type, nlFlags).u8(family).u8(0).u16(0).u32(index).u16(state).u8(ntfFlags).u8(0);
    }

    static MessageBuilder encode(int type, int nlFlags, Neigh n) {
        MessageBuilder m = message(type, nlFlags, n.ip().isV4() ? Family.INET : Family.INET6, n.linkIndex(),
                n.state() == 0 ? Neigh.PERMANENT : n.state(), 0);
        m.attr(NDA_DST, n.ip().bytes());
        if (n.mac() != null) {
            m.attr(NDA_LLADDR, n.mac().bytes());
        }
        return m;
    }

    static MessageBuilder encode(int type, int nlFlags, Fdb f) {
        MessageBuilder m = message(type, nlFlags, Family.BRIDGE, f.linkIndex(), Neigh.PERMANENT, NTF_SELF);
        m.attr(NDA_LLADDR, f.mac().bytes());
        if (f.remote() != null) {
            m.attr(NDA_DST, f.remote().bytes());
        }
        return m;
    }

    /** An IPv4/IPv6 neighbour on {@code linkIndex} (0 = any), or null; proxy entries and other families are skipped. */
    static Neigh decodeNeigh(ByteBuffer p, int linkIndex, int family) {
        int fam = p.get(0) & 0xff;
        int index = p.getInt(4);
        int ntf = p.get(10) & 0xff;
        if ((fam != Family.INET && fam != Family.INET6) || (family != 0 && family != fam)
                || (linkIndex != 0 && linkIndex != index) || (ntf & NTF_PROXY) != 0) {
            return null;
        }
        Attrs a = Attrs.parse(p, NDMSG_LEN);
        IpAddress ip = address(a.bytes(NDA_DST));
        if (ip == null) {
            return null;
        }
        return new Neigh(index, ip, mac(a.bytes(NDA_LLADDR)), p.getShort(8) & 0xffff);
    }

    /** A bridge-family FDB entry on {@code linkIndex} (0 = any), or null. */
    static Fdb decodeFdb(ByteBuffer p, int linkIndex) {
        int index = p.getInt(4);
        if ((p.get(0) & 0xff) != Family.BRIDGE || (linkIndex != 0 && linkIndex != index)) {
            return null;
        }
        Attrs a = Attrs.parse(p, NDMSG_LEN);
        MacAddress mac = mac(a.bytes(NDA_LLADDR));
        return mac == null ? null : new Fdb(index, mac, address(a.bytes(NDA_DST)));
    }

    private static IpAddress address(byte[] raw) {
        return raw == null || (raw.length != 4 && raw.length != 16) ? null : IpAddress.of(raw);
    }

    private static MacAddress mac(byte[] raw) {
        return raw == null || raw.length != 6 ? null : MacAddress.of(raw);
    }
}
