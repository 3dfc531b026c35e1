package dev.tabby.netlink;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.raw.Attrs;
import dev.tabby.netlink.raw.MessageBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** RTM_*ROUTE messages: rtmsg + RTA_* attributes, rtnexthop for multipath (linux/rtnetlink.h). */
final class RouteCodec {
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;

    static final int RTNH_F_ONLINK = 0x4;
    static final int RTM_F_CLONED = 0x200;
    static final int RT_TABLE_UNSPEC = 0;

    private static final int RTNEXTHOP_LEN = 8;

    private RouteCodec() {
    }

    /**
     * A route request. Deletes match any scope (RT_SCOPE_NOWHERE), as {@code ip route del} does, so a route read back
     * with the kernel's chosen scope and one built by hand delete alike.
     */
    static MessageBuilder encode(int type, int nlFlags, Route r, boolean delete) {
        int family = r.family();
        int table = r.table() == 0 ? Route.MAIN_TABLE : r.table();
        int routeType = r.type() == 0 ? RouteType.UNICAST : r.type();
        MessageBuilder m = new MessageBuilder(type, nlFlags)
                .u8(family).u8(r.destination().prefixLength()).u8(0).u8(0)
                // rtm_table is 8 bits: tables above 255 live only in RTA_TABLE, which is always sent.
                .u8(table < 256 ? table : RT_TABLE_UNSPEC)
                .u8(r.protocol()).u8(delete ? Scope.NOWHERE : r.scope()).u8(routeType)
                .u32(r.onlink() ? RTNH_F_ONLINK : 0);
        if (r.destination().prefixLength() > 0) {
            m.attr(RTA_DST, r.destination().address().masked(r.destination().prefixLength()).bytes());
        }
        if (r.gateway() != null) {
            m.attr(RTA_GATEWAY, r.gateway().bytes());
        }
        if (r.linkIndex() != 0) {
            m.attrU32(RTA_OIF, r.linkIndex());
        }
        if (r.source() != null) {
            m.attr(RTA_PREFSRC, r.source().bytes());
        }
        if (r.metric() != 0) {
            m.attrU32(RTA_PRIORITY, r.metric());
        }
        m.attrU32(RTA_TABLE, table);
        if (!r.nextHops().isEmpty()) {
            int mp = m.nestStart(RTA_MULTIPATH);
            for (Route.NextHop h : r.nextHops()) {
                int at = m.mark();
                int weight = h.weight() <= 0 ? 1 : h.weight();
                // struct rtnexthop: len, flags, hops (weight - 1), ifindex; then its own attributes.
                m.u16(0).u8(h.onlink() ? RTNH_F_ONLINK : 0).u8(weight - 1).u32(h.linkIndex());
                if (h.gateway() != null) {
                    m.attr(RTA_GATEWAY, h.gateway().bytes());
                }
                m.putU16At(at, m.mark() - at);
            }
            m.nestEnd(mp);
        }
        return m;
    }

    /** A dump request for one family (AF_UNSPEC for both). */
    static MessageBuilder dumpRequest(int type, int nlFlags, int family) {
        return new MessageBuilder(type, nlFlags).u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
    }

    /**
     * Decodes one RTM_NEWROUTE, or returns null when it is a cache clone, not IP, or fails the filter. The header
     * fields are checked before any attribute is parsed, so most of a large foreign table costs little.
     */
    static Route decode(ByteBuffer p, RouteFilter f) {
        int family = p.get(0) & 0xff;
        int dstLen = p.get(1) & 0xff;
        int headerTable = p.get(4) & 0xff;
        int protocol = p.get(5) & 0xff;
        int scope = p.get(6) & 0xff;
        int type = p.get(7) & 0xff;
        int flags = p.getInt(8);
        if ((flags & RTM_F_CLONED) != 0 || (family != Family.INET && family != Family.INET6)
                || (f.family() != null && f.family() != 0 && f.family() != family)
                || (f.protocol() != null && f.protocol() != protocol)
                || (f.destination() != null && (f.destination().prefixLength() != dstLen || f.destination().version() != (family == Family.INET ? 4 : 6)))) {
            return null;
        }
        Attrs a = Attrs.parse(p, 12);
        int table = a.u32(RTA_TABLE, headerTable);
        if (f.table() != null && f.table() != table) {
            return null;
        }
        int addrLen = family == Family.INET ? 4 : 16;
        byte[] dst = a.has(RTA_DST) ? a.bytes(RTA_DST) : new byte[addrLen];
        Cidr destination = new Cidr(IpAddress.of(dst), dstLen);
        if (f.destination() != null && !f.destination().network().equals(destination)) {
            return null;
        }
        int oif = a.u32(RTA_OIF, 0);
        List<Route.NextHop> hops = a.has(RTA_MULTIPATH) ? nextHops(a.get(RTA_MULTIPATH)) : List.of();
        if (f.linkIndex() != null && f.linkIndex() != oif && hops.stream().noneMatch(h -> h.linkIndex() == f.linkIndex())) {
            return null;
        }
        return new Route(destination, address(a.bytes(RTA_GATEWAY)), oif, address(a.bytes(RTA_PREFSRC)), table,
                protocol, scope, type, a.u32(RTA_PRIORITY, 0), (flags & RTNH_F_ONLINK) != 0, hops);
    }

    private static List<Route.NextHop> nextHops(ByteBuffer mp) {
        List<Route.NextHop> out = new ArrayList<>();
        int pos = 0;
        while (pos + RTNEXTHOP_LEN <= mp.limit()) {
            int len = mp.getShort(pos) & 0xffff;
            if (len < RTNEXTHOP_LEN || pos + len > mp.limit()) {
                break;
            }
            int flags = mp.get(pos + 2) & 0xff;
            int hops = mp.get(pos + 3) & 0xff;
            int index = mp.getInt(pos + 4);
            Attrs a = Attrs.parse(Attrs.slice(mp, pos, len), RTNEXTHOP_LEN);
            out.add(new Route.NextHop(address(a.bytes(RTA_GATEWAY)), index, hops + 1, (flags & RTNH_F_ONLINK) != 0));
            pos += (len + 3) & ~3;
        }
        return out;
    }

    private static IpAddress address(byte[] raw) {
        return raw == null || (raw.length != 4 && raw.length != 16) ? null : IpAddress.of(raw);
    }
}
