package dev.tabby.netlink;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.raw.Attrs;
import dev.tabby.netlink.raw.MessageBuilder;
import dev.tabby.netlink.raw.Nl;
import java.nio.ByteBuffer;

/** RTM_*LINK messages: ifinfomsg + IFLA_* attributes (linux/if_link.h, veth.h, if_tunnel.h) to and from {@link Link}. */
final class LinkCodec {
    static final int IFF_UP = 0x1;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINK = 5;
    static final int IFLA_MASTER = 10;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28;

    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;

    static final int VETH_INFO_PEER = 1;

    static final int IFLA_VXLAN_ID = 1;
    static final int IFLA_VXLAN_LINK = 3;
    static final int IFLA_VXLAN_LOCAL = 4;
    static final int IFLA_VXLAN_LEARNING = 7;
    static final int IFLA_VXLAN_PORT = 15;
    static final int IFLA_VXLAN_LOCAL6 = 17;
    static final int IFLA_VXLAN_UDP_CSUM = 18;
    static final int IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19;
    static final int IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20;

    static final int IFLA_IPTUN_LOCAL = 2;
    static final int IFLA_IPTUN_REMOTE = 3;
    static final int IFLA_IPTUN_TTL = 4;
    static final int IFLA_IPTUN_PMTUDISC = 10;

    /** IF_OPER_* in order, as iproute2 prints them. */
    private static final String[] OPER_STATES = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

    private LinkCodec() {
    }

    /** An ifinfomsg: family, pad, type, index, flags, change mask. */
    static MessageBuilder message(int type, int nlFlags, int index, int ifFlags, int change) {
        return new MessageBuilder(type, nlFlags).u8(Family.UNSPEC).u8(0).u16(0).u32(index).u32(ifFlags).u32(change);
    }

    /** RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL; {@code peerNsFd} is the veth peer's namespace, or -1. */
    static MessageBuilder add(Link link, int peerNsFd) {
        LinkAttrs a = link.attrs();
        MessageBuilder m = message(Nl.RTM_NEWLINK, Nl.F_CREATE | Nl.F_EXCL | Nl.F_ACK, 0, a.up() ? IFF_UP : 0, a.up() ? IFF_UP : 0);
        m.attrString(IFLA_IFNAME, a.name());
        if (a.mtu() > 0) {
            m.attrU32(IFLA_MTU, a.mtu());
        }
        if (a.mac() != null) {
            m.attr(IFLA_ADDRESS, a.mac().bytes());
        }
        if (a.masterIndex() > 0) {
            m.attrU32(IFLA_MASTER, a.masterIndex());
        }
        int info = m.nestStart(IFLA_LINKINFO);
        m.attrString(IFLA_INFO_KIND, kind(link));
        if (link instanceof Link.Veth v) {
            int data = m.nestStart(IFLA_INFO_DATA);
            int peer = m.nestStart(VETH_INFO_PEER);
            m.u8(Family.UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0); // the peer's own ifinfomsg
            if (v.peerName() != null) {
                m.attrString(IFLA_IFNAME, v.peerName());
            }
            if (a.mtu() > 0) {
                m.attrU32(IFLA_MTU, a.mtu()); // a pair with unequal MTUs drops the larger frames
            }
            if (peerNsFd >= 0) {
                m.attrU32(IFLA_NET_NS_FD, peerNsFd);
            }
            m.nestEnd(peer);
            m.nestEnd(data);
        } else if (link instanceof Link.Vxlan x) {
            int data = m.nestStart(IFLA_INFO_DATA);
            m.attrU32(IFLA_VXLAN_ID, x.vni());
            if (x.port() != 0) {
                m.attrU16be(IFLA_VXLAN_PORT, x.port());
            }
            if (x.local() != null) {
                m.attr(x.local().isV4() ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, x.local().bytes());
            }
            if (x.parentIndex() > 0) {
                m.attrU32(IFLA_VXLAN_LINK, x.parentIndex());
            }
            m.attrU8(IFLA_VXLAN_LEARNING, x.learning() ? 1 : 0);
            m.attrU8(IFLA_VXLAN_UDP_CSUM, x.udpChecksum() ? 1 : 0);
            m.attrU8(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, x.udp6ZeroChecksumTx() ? 1 : 0);
            m.attrU8(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, x.udp6ZeroChecksumRx() ? 1 : 0);
            m.nestEnd(data);
        } else if (link instanceof Link.Ipip t) {
            int data = m.nestStart(IFLA_INFO_DATA);
            putIpipData(m, t);
            m.nestEnd(data);
        }
        m.nestEnd(info);
        return m;
    }

    /** IFLA_INFO_KIND for a link to be created. */
    static String kind(Link link) {
        if (link instanceof Link.Veth) {
            return "veth";
        } else if (link instanceof Link.Vxlan) {
            return "vxlan";
        } else if (link instanceof Link.Ipip) {
            return "ipip";
        } else if (link instanceof Link.Bridge) {
            return "bridge";
        }
        String kind = ((Link.Device) link).kind();
        if (kind == null) {
            throw new IllegalArgumentException("link " + link.name() + ": a Device needs a kind (e.g. \"dummy\") to be created");
        }
        return kind;
    }

    static void putIpipData(MessageBuilder m, Link.Ipip t) {
        if (t.local() != null) {
            m.attr(IFLA_IPTUN_LOCAL, t.local().bytes());
        }
        if (t.remote() != null) {
            m.attr(IFLA_IPTUN_REMOTE, t.remote().bytes());
        }
        m.attrU8(IFLA_IPTUN_TTL, t.ttl());
        m.attrU8(IFLA_IPTUN_PMTUDISC, t.pmtuDiscovery() ? 1 : 0);
    }

    /** Decodes an RTM_NEWLINK / RTM_DELLINK payload. */
    static Link decode(ByteBuffer p) {
        int index = p.getInt(4);
        int ifFlags = p.getInt(8);
        Attrs a = Attrs.parse(p, 16);
        byte[] addr = a.bytes(IFLA_ADDRESS);
        int oper = a.u8(IFLA_OPERSTATE, 0);
        LinkAttrs attrs = new LinkAttrs(index, a.string(IFLA_IFNAME), a.u32(IFLA_MTU, 0),
                addr != null && addr.length == 6 ? MacAddress.of(addr) : null,
                (ifFlags & IFF_UP) != 0, a.u32(IFLA_MASTER, 0), a.u32(IFLA_LINK, 0),
                oper < OPER_STATES.length ? OPER_STATES[oper] : "UNKNOWN");
        Attrs info = a.nested(IFLA_LINKINFO);
        String kind = info.string(IFLA_INFO_KIND);
        Attrs data = info.nested(IFLA_INFO_DATA);
        if (kind == null) {
            return new Link.Device(attrs, null);
        }
        return switch (kind) {
            case "veth" -> new Link.Veth(attrs, null, null);
            case "bridge" -> new Link.Bridge(attrs);
            case "vxlan" -> new Link.Vxlan(attrs, data.u32(IFLA_VXLAN_ID, 0), data.u16be(IFLA_VXLAN_PORT, 0),
                    // Either may be present and all-zero; the set one wins.
                    ip(data.bytes(IFLA_VXLAN_LOCAL)) != null ? ip(data.bytes(IFLA_VXLAN_LOCAL)) : ip(data.bytes(IFLA_VXLAN_LOCAL6)),
                    data.u32(IFLA_VXLAN_LINK, 0), data.u8(IFLA_VXLAN_LEARNING, 0) != 0,
                    data.u8(IFLA_VXLAN_UDP_CSUM, 0) != 0, data.u8(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 0) != 0,
                    data.u8(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, 0) != 0);
            case "ipip" -> new Link.Ipip(attrs, ip(data.bytes(IFLA_IPTUN_LOCAL)), ip(data.bytes(IFLA_IPTUN_REMOTE)),
                    data.u8(IFLA_IPTUN_TTL, 0), data.u8(IFLA_IPTUN_PMTUDISC, 0) != 0);
            default -> new Link.Device(attrs, kind);
        };
    }

    /** An address attribute; the all-zero address means "any", which the records express as null. */
    private static IpAddress ip(byte[] raw) {
        if (raw == null || (raw.length != 4 && raw.length != 16)) {
            return null;
        }
        for (byte b : raw) {
            if (b != 0) {
                return IpAddress.of(raw);
            }
        }
        return null;
    }
}
