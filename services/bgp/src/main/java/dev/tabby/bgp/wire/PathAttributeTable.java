package dev.tabby.bgp.wire;

import dev.tabby.bgp.wire.PathAttribute.Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Path;
import dev.tabby.bgp.wire.PathAttribute.AsPath;
import dev.tabby.bgp.wire.PathAttribute.AtomicAggregate;
import dev.tabby.bgp.wire.PathAttribute.ClusterList;
import dev.tabby.bgp.wire.PathAttribute.Communities;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunities;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.bgp.wire.PathAttribute.LocalPref;
import dev.tabby.bgp.wire.PathAttribute.MpReach;
import dev.tabby.bgp.wire.PathAttribute.MpUnreach;
import dev.tabby.bgp.wire.PathAttribute.MultiExitDisc;
import dev.tabby.bgp.wire.PathAttribute.NextHop;
import dev.tabby.bgp.wire.PathAttribute.Origin;
import dev.tabby.bgp.wire.PathAttribute.OriginatorId;
import dev.tabby.bgp.wire.PathAttribute.Unknown;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The attributes Tabby recognises, by type code: the flags each must carry, how its value is read and written, and
 * what RFC 7606 section 7 (or the attribute's own RFC) says to do when the value is malformed.
 */
final class PathAttributeTable {
    /** AS_TRANS, the 2-octet stand-in for a 4-octet ASN (RFC 6793 section 9). */
    static final long AS_TRANS = 23456;

    enum OnError { TREAT_AS_WITHDRAW, ATTRIBUTE_DISCARD, SESSION_RESET }

    @FunctionalInterface
    interface Decoder {
        PathAttribute decode(ByteBuf value, Negotiated negotiated) throws PathAttributeMalformed;
    }

    record Spec(int code, String name, boolean optional, boolean transitive, OnError onError, Decoder decoder) {
        boolean flagsMatch(int flags) {
            return ((flags & PathAttribute.OPTIONAL) != 0) == optional
                    && ((flags & PathAttribute.TRANSITIVE) != 0) == transitive;
        }
    }

    private static final Map<Integer, Spec> SPECS = Map.ofEntries(
            // RFC 7606 7.1
            spec(1, "ORIGIN", false, true, OnError.TREAT_AS_WITHDRAW, PathAttributeTable::origin),
            // RFC 7606 7.2
            spec(2, "AS_PATH", false, true, OnError.TREAT_AS_WITHDRAW,
                    (v, n) -> new AsPath(segments(v, n.fourOctetAs() ? 4 : 2, "AS_PATH", true))),
            // RFC 7606 7.3
            spec(3, "NEXT_HOP", false, true, OnError.TREAT_AS_WITHDRAW,
                    (v, n) -> new NextHop(ipv4(exactly(v, 4, "NEXT_HOP")))),
            // RFC 7606 7.4
            spec(4, "MULTI_EXIT_DISC", true, false, OnError.TREAT_AS_WITHDRAW,
                    (v, n) -> new MultiExitDisc(exactly(v, 4, "MULTI_EXIT_DISC").readUnsignedInt())),
            // RFC 7606 7.5 (the iBGP case; dropping it from an eBGP peer is the session's call)
            spec(5, "LOCAL_PREF", false, true, OnError.TREAT_AS_WITHDRAW,
                    (v, n) -> new LocalPref(exactly(v, 4, "LOCAL_PREF").readUnsignedInt())),
            // RFC 7606 7.6
            spec(6, "ATOMIC_AGGREGATE", false, true, OnError.ATTRIBUTE_DISCARD, (v, n) -> {
                exactly(v, 0, "ATOMIC_AGGREGATE");
                return new AtomicAggregate();
            }),
            // RFC 7606 7.7
            spec(7, "AGGREGATOR", true, true, OnError.ATTRIBUTE_DISCARD, PathAttributeTable::aggregator),
            // RFC 7606 7.8
            spec(8, "COMMUNITIES", true, true, OnError.TREAT_AS_WITHDRAW, (v, n) -> {
                multipleOf(v, 4, "COMMUNITIES");
                List<Long> values = new ArrayList<>();
                while (v.isReadable()) {
                    values.add(v.readUnsignedInt());
                }
                return new Communities(values);
            }),
            // RFC 7606 7.9
            spec(9, "ORIGINATOR_ID", true, false, OnError.TREAT_AS_WITHDRAW,
                    (v, n) -> new OriginatorId(ipv4(exactly(v, 4, "ORIGINATOR_ID")))),
            // RFC 7606 7.10
            spec(10, "CLUSTER_LIST", true, false, OnError.TREAT_AS_WITHDRAW, (v, n) -> {
                multipleOf(v, 4, "CLUSTER_LIST");
                List<Inet4Address> ids = new ArrayList<>();
                while (v.isReadable()) {
                    ids.add(ipv4(v));
                }
                return new ClusterList(ids);
            }),
            // RFC 7606 7.11 and 5.3: the NLRI cannot be located reliably, so session reset (Tabby has no
            // AFI/SAFI disable); Optional Attribute Error as RFC 4760 section 7 names it.
            spec(14, "MP_REACH_NLRI", true, false, OnError.SESSION_RESET, PathAttributeTable::mpReach),
            // RFC 7606 7.12 and 5.3
            spec(15, "MP_UNREACH_NLRI", true, false, OnError.SESSION_RESET, PathAttributeTable::mpUnreach),
            // RFC 6793 section 6: a malformed AS4_PATH or AS4_AGGREGATOR is discarded
            spec(17, "AS4_PATH", true, true, OnError.ATTRIBUTE_DISCARD,
                    (v, n) -> new As4Path(segments(v, 4, "AS4_PATH", false))),
            spec(18, "AS4_AGGREGATOR", true, true, OnError.ATTRIBUTE_DISCARD, (v, n) -> {
                exactly(v, 8, "AS4_AGGREGATOR");
                return new As4Aggregator(v.readUnsignedInt(), ipv4(v));
            }),
            // RFC 8092 section 6
            spec(32, "LARGE_COMMUNITIES", true, true, OnError.TREAT_AS_WITHDRAW, (v, n) -> {
                multipleOf(v, 12, "LARGE_COMMUNITIES");
                List<LargeCommunity> values = new ArrayList<>();
                while (v.isReadable()) {
                    values.add(new LargeCommunity(v.readUnsignedInt(), v.readUnsignedInt(), v.readUnsignedInt()));
                }
                return new LargeCommunities(values);
            }));

    private PathAttributeTable() {
    }

    private static Map.Entry<Integer, Spec> spec(int code, String name, boolean optional, boolean transitive,
            OnError onError, Decoder decoder) {
        return Map.entry(code, new Spec(code, name, optional, transitive, onError, decoder));
    }

    /** The spec for a type code; null for an attribute Tabby does not recognise. */
    static Spec get(int code) {
        return SPECS.get(code);
    }

    static String name(int code) {
        Spec spec = SPECS.get(code);
        return spec == null ? "attribute " + code : spec.name();
    }

    private static PathAttribute origin(ByteBuf v, Negotiated n) throws PathAttributeMalformed {
        int value = exactly(v, 1, "ORIGIN").readUnsignedByte();
        if (value > Origin.INCOMPLETE) {
            throw new PathAttributeMalformed("ORIGIN value " + value + " is undefined; expected 0 IGP, 1 EGP or "
                    + "2 INCOMPLETE");
        }
        return new Origin(value);
    }

    private static PathAttribute aggregator(ByteBuf v, Negotiated n) throws PathAttributeMalformed {
        int asOctets = n.fourOctetAs() ? 4 : 2;
        exactly(v, asOctets + 4, "AGGREGATOR");
        long as = asOctets == 4 ? v.readUnsignedInt() : v.readUnsignedShort();
        return new Aggregator(as, ipv4(v));
    }

    /**
     * AS_PATH / AS4_PATH segments. RFC 7606 7.2: malformed on an unknown segment type, a zero segment length, a
     * segment overrunning the attribute, or a single octet left over. RFC 6793 section 6 forbids confederation
     * segments in AS4_PATH. No limit on the number of ASNs: a long path is a policy question, not a syntax one.
     */
    private static List<AsPathSegment> segments(ByteBuf v, int asnOctets, String name, boolean confedAllowed)
            throws PathAttributeMalformed {
        List<AsPathSegment> segments = new ArrayList<>();
        while (v.isReadable()) {
            if (v.readableBytes() < 2) {
                throw new PathAttributeMalformed(name + " ends with 1 octet, too short for a segment header");
            }
            int typeCode = v.readUnsignedByte();
            int count = v.readUnsignedByte();
            AsPathSegment.Type type = AsPathSegment.Type.of(typeCode);
            if (type == null) {
                throw new PathAttributeMalformed(name + " has segment type " + typeCode
                        + "; expected 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE or 4 AS_CONFED_SET");
            }
            if (type.confederation() && !confedAllowed) {
                throw new PathAttributeMalformed(name + " has a confederation segment (type " + typeCode
                        + "), which RFC 6793 section 6 forbids in it");
            }
            if (count == 0) {
                throw new PathAttributeMalformed(name + " has a segment of length 0");
            }
            if (count * asnOctets > v.readableBytes()) {
                throw new PathAttributeMalformed(name + " segment of " + count + " ASNs needs " + count * asnOctets
                        + " octets but only " + v.readableBytes() + " remain");
            }
            List<Long> asns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                asns.add(asnOctets == 4 ? v.readUnsignedInt() : (long) v.readUnsignedShort());
            }
            segments.add(new AsPathSegment(type, asns));
        }
        return segments;
    }

    /** RFC 4760 section 3; RFC 7606 7.11: a next hop length other than the family's is malformed. */
    private static PathAttribute mpReach(ByteBuf v, Negotiated n) throws PathAttributeMalformed {
        if (v.readableBytes() < 5) {
            throw new PathAttributeMalformed("MP_REACH_NLRI is " + v.readableBytes()
                    + " octets; it needs at least 5 (AFI, SAFI, next hop length, reserved)");
        }
        AfiSafi family = family(v, n, "MP_REACH_NLRI");
        int nextHopLength = v.readUnsignedByte();
        boolean ok = family == AfiSafi.IPV4_UNICAST ? nextHopLength == 4 : nextHopLength == 16 || nextHopLength == 32;
        if (!ok) {
            throw new PathAttributeMalformed("MP_REACH_NLRI next hop length " + nextHopLength + " is wrong for "
                    + family + "; expected " + (family == AfiSafi.IPV4_UNICAST ? "4" : "16 or 32"));
        }
        if (v.readableBytes() < nextHopLength + 1) {
            throw new PathAttributeMalformed("MP_REACH_NLRI next hop of " + nextHopLength + " octets and the "
                    + "reserved octet overrun the attribute (" + v.readableBytes() + " octets remain)");
        }
        List<InetAddress> nextHops = new ArrayList<>();
        int addressOctets = family == AfiSafi.IPV4_UNICAST ? 4 : 16;
        for (int read = 0; read < nextHopLength; read += addressOctets) {
            nextHops.add(address(v, addressOctets));
        }
        v.skipBytes(1); // reserved, ignored on receipt (RFC 4760 section 3)
        return new MpReach(family, nextHops, prefixes(v, family, "MP_REACH_NLRI"));
    }

    /** RFC 4760 section 4. */
    private static PathAttribute mpUnreach(ByteBuf v, Negotiated n) throws PathAttributeMalformed {
        if (v.readableBytes() < 3) {
            throw new PathAttributeMalformed("MP_UNREACH_NLRI is " + v.readableBytes()
                    + " octets; it needs at least 3 (AFI, SAFI)");
        }
        AfiSafi family = family(v, n, "MP_UNREACH_NLRI");
        return new MpUnreach(family, prefixes(v, family, "MP_UNREACH_NLRI"));
    }

    private static AfiSafi family(ByteBuf v, Negotiated n, String name) throws PathAttributeMalformed {
        int afi = v.readUnsignedShort();
        int safi = v.readUnsignedByte();
        AfiSafi family = AfiSafi.of(afi, safi);
        if (family == null || !n.families().contains(family)) {
            throw new PathAttributeMalformed(name + " carries AFI " + afi + " SAFI " + safi
                    + ", a family this session did not negotiate (negotiated: " + n.families() + ")");
        }
        return family;
    }

    private static List<Prefix> prefixes(ByteBuf v, AfiSafi family, String name) throws PathAttributeMalformed {
        try {
            return Prefix.readAll(v, family, 9, name);
        } catch (BgpDecodeException e) {
            throw new PathAttributeMalformed(e.getMessage());
        }
    }

    private static ByteBuf exactly(ByteBuf v, int length, String name) throws PathAttributeMalformed {
        if (v.readableBytes() != length) {
            throw new PathAttributeMalformed(name + " length is " + v.readableBytes() + "; it must be " + length);
        }
        return v;
    }

    private static void multipleOf(ByteBuf v, int unit, String name) throws PathAttributeMalformed {
        if (v.readableBytes() == 0 || v.readableBytes() % unit != 0) {
            throw new PathAttributeMalformed(name + " length is " + v.readableBytes()
                    + "; it must be a non-zero multiple of " + unit);
        }
    }

    private static Inet4Address ipv4(ByteBuf v) {
        return (Inet4Address) address(v, 4);
    }

    private static InetAddress address(ByteBuf v, int octets) {
        byte[] bytes = new byte[octets];
        v.readBytes(bytes);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + octets + " octets was refused", e);
        }
    }

    /** Writes the value (no flags, code or length) of a recognised or unknown attribute. */
    static void writeValue(PathAttribute attribute, Negotiated n, ByteBuf out) {
        if (attribute instanceof Origin o) {
            out.writeByte(o.value());
        } else if (attribute instanceof AsPath p) {
            writeSegments(p.segments(), n.fourOctetAs() ? 4 : 2, out);
        } else if (attribute instanceof NextHop h) {
            out.writeBytes(h.address().getAddress());
        } else if (attribute instanceof MultiExitDisc m) {
            out.writeInt((int) m.value());
        } else if (attribute instanceof LocalPref l) {
            out.writeInt((int) l.value());
        } else if (attribute instanceof AtomicAggregate) {
            return;
        } else if (attribute instanceof Aggregator a) {
            writeAsn(a.as(), n.fourOctetAs() ? 4 : 2, out);
            out.writeBytes(a.address().getAddress());
        } else if (attribute instanceof Communities c) {
            c.values().forEach(value -> out.writeInt((int) (long) value));
        } else if (attribute instanceof OriginatorId o) {
            out.writeBytes(o.id().getAddress());
        } else if (attribute instanceof ClusterList c) {
            c.clusterIds().forEach(id -> out.writeBytes(id.getAddress()));
        } else if (attribute instanceof MpReach r) {
            out.writeShort(r.family().afi());
            out.writeByte(r.family().safi());
            out.writeByte(r.nextHops().stream().mapToInt(a -> a.getAddress().length).sum());
            r.nextHops().forEach(a -> out.writeBytes(a.getAddress()));
            out.writeByte(0);
            Prefix.writeAll(r.nlri(), out);
        } else if (attribute instanceof MpUnreach u) {
            out.writeShort(u.family().afi());
            out.writeByte(u.family().safi());
            Prefix.writeAll(u.withdrawn(), out);
        } else if (attribute instanceof As4Path p) {
            writeSegments(p.segments(), 4, out);
        } else if (attribute instanceof As4Aggregator a) {
            out.writeInt((int) a.as());
            out.writeBytes(a.address().getAddress());
        } else if (attribute instanceof LargeCommunities l) {
            l.values().forEach(c -> {
                out.writeInt((int) c.globalAdmin());
                out.writeInt((int) c.localData1());
                out.writeInt((int) c.localData2());
            });
        } else if (attribute instanceof Unknown u) {
            out.writeBytes(u.value());
        } else {
            throw new IllegalStateException("no encoder for " + attribute);
        }
    }

    /** A segment holds at most 255 ASNs on the wire; a longer one is written as consecutive segments of its type. */
    private static void writeSegments(List<AsPathSegment> segments, int asnOctets, ByteBuf out) {
        for (AsPathSegment s : segments) {
            List<Long> asns = s.asns();
            for (int from = 0; from < asns.size(); from += 255) {
                List<Long> chunk = asns.subList(from, Math.min(asns.size(), from + 255));
                out.writeByte(s.type().code());
                out.writeByte(chunk.size());
                chunk.forEach(asn -> writeAsn(asn, asnOctets, out));
            }
        }
    }

    /** On a 2-octet session an ASN above 65535 is written as AS_TRANS (RFC 6793 section 4.2.2). */
    private static void writeAsn(long asn, int octets, ByteBuf out) {
        if (octets == 4) {
            out.writeInt((int) asn);
        } else {
            out.writeShort((int) (asn > 0xFFFF ? AS_TRANS : asn));
        }
    }
}
