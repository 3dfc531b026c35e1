package dev.tabby.netlink;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.raw.Attrs;
import dev.tabby.netlink.raw.MessageBuilder;
import java.nio.ByteBuffer;

/** RTM_*ADDR messages: ifaddrmsg + IFA_* attributes (linux/if_addr.h) to and from {@link Addr}. */
final class AddrCodec {
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;

    private AddrCodec() {
    }

    /** ifaddrmsg: family, prefix length, flags (low byte), scope, ifindex. */
    static MessageBuilder message(int type, int nlFlags, int family, int prefixLength, int flags, int scope, int index) {
        return new MessageBuilder(type, nlFlags).u8(family).u8(prefixLength).u8(flags & 0xff).u8(scope).u32(index);
    }

    static MessageBuilder encode(int type, int nlFlags, Addr a, boolean withFlags) {
        Cidr c = a.address();
        int family = c.isV4() ? Family.INET : Family.INET6;
        MessageBuilder m = message(type, nlFlags, family, c.prefixLength(), a.flags(), a.scope(), a.linkIndex());
        byte[] raw = c.address().bytes();
        // As iproute2 does for a non point-to-point address: IFA_LOCAL is the address, IFA_ADDRESS the same.
        m.attr(IFA_LOCAL, raw);
        m.attr(IFA_ADDRESS, raw);
        if (c.isV4() && a.label() != null) {
            m.attrString(IFA_LABEL, a.label());
        }
        if (withFlags) {
            m.attrU32(IFA_FLAGS, a.flags()); // the full 32 bits; ifa_flags holds only the low 8
        }
        return m;
    }

    static Addr decode(ByteBuffer p) {
        int prefixLength = p.get(1) & 0xff;
        int flags = p.get(2) & 0xff;
        int scope = p.get(3) & 0xff;
        int index = p.getInt(4);
        Attrs a = Attrs.parse(p, 8);
        // IPv4 reports the address in IFA_LOCAL (IFA_ADDRESS is the peer); IPv6 only has IFA_ADDRESS.
        byte[] raw = a.has(IFA_LOCAL) ? a.bytes(IFA_LOCAL) : a.bytes(IFA_ADDRESS);
        if (raw == null || (raw.length != 4 && raw.length != 16)) {
            return null;
        }
        return new Addr(index, new Cidr(IpAddress.of(raw), prefixLength), scope, a.u32(IFA_FLAGS, flags), a.string(IFA_LABEL));
    }
}
