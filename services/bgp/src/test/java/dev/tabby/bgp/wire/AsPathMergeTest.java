package dev.tabby.bgp.wire;

import static dev.tabby.bgp.wire.UpdateBytes.FOUR_OCTET;
import static dev.tabby.bgp.wire.UpdateBytes.TWO_OCTET;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.bgp.wire.PathAttribute.Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Path;
import dev.tabby.bgp.wire.PathAttribute.AsPath;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6793 section 4.2.3: reconstructing the 4-octet path on a 2-octet session. */
class AsPathMergeTest {
    private static final long AS_TRANS = 23456;

    private static Update update(PathAttribute... attributes) {
        return Update.of(List.of(), List.of(attributes), List.of());
    }

    private static Inet4Address id() throws Exception {
        return (Inet4Address) InetAddress.getByName("192.0.2.2");
    }

    @Test
    void leadingAsnsOfAsPathArePrependedToAs4Path() {
        Update update = update(new AsPath(List.of(AsPathSegment.sequence(65001L, AS_TRANS, 65002L, AS_TRANS))),
                new As4Path(List.of(AsPathSegment.sequence(65002L, 4_200_000_001L))));
        assertEquals(List.of(AsPathSegment.sequence(65001L, AS_TRANS, 65002L, 4_200_000_001L)),
                update.mergedAsPath(TWO_OCTET));
    }

    @Test
    void anAsSetCountsAsOne() {
        AsPathSegment set = AsPathSegment.set(65010L, 65011L, 65012L);
        Update update = update(new AsPath(List.of(AsPathSegment.sequence(65001L), set,
                AsPathSegment.sequence(AS_TRANS))),
                new As4Path(List.of(AsPathSegment.sequence(4_200_000_001L))));
        assertEquals(List.of(AsPathSegment.sequence(65001L), set, AsPathSegment.sequence(4_200_000_001L)),
                update.mergedAsPath(TWO_OCTET));
    }

    @Test
    void as4PathLongerThanAsPathIsIgnored() {
        List<AsPathSegment> asPath = List.of(AsPathSegment.sequence(AS_TRANS));
        Update update = update(new AsPath(asPath),
                new As4Path(List.of(AsPathSegment.sequence(4_200_000_001L, 4_200_000_002L))));
        assertEquals(asPath, update.mergedAsPath(TWO_OCTET));
    }

    @Test
    void aggregatorThatIsNotAsTransMakesAs4AttributesIgnored() throws Exception {
        List<AsPathSegment> asPath = List.of(AsPathSegment.sequence(65001L, AS_TRANS));
        Update update = update(new AsPath(asPath), new Aggregator(65001, id()),
                new As4Path(List.of(AsPathSegment.sequence(4_200_000_001L))),
                new As4Aggregator(4_200_000_001L, id()));
        assertEquals(asPath, update.mergedAsPath(TWO_OCTET));

        Update viaTrans = update(new AsPath(asPath), new Aggregator(AS_TRANS, id()),
                new As4Path(List.of(AsPathSegment.sequence(4_200_000_001L))),
                new As4Aggregator(4_200_000_001L, id()));
        assertEquals(List.of(AsPathSegment.sequence(65001L, 4_200_000_001L)),
                viaTrans.mergedAsPath(TWO_OCTET));
        assertEquals(new Aggregator(4_200_000_001L, id()), viaTrans.mergedAggregator(TWO_OCTET));
        assertEquals(new Aggregator(65001, id()), update.mergedAggregator(TWO_OCTET));
        assertEquals(new Aggregator(AS_TRANS, id()), viaTrans.mergedAggregator(FOUR_OCTET));
    }

    @Test
    void fourOctetSessionUsesAsPathAsItIs() {
        List<AsPathSegment> asPath = List.of(AsPathSegment.sequence(4_200_000_001L));
        Update update = update(new AsPath(asPath), new As4Path(List.of(AsPathSegment.sequence(1L))));
        assertEquals(asPath, update.mergedAsPath(FOUR_OCTET));
        assertEquals(List.of(), update().mergedAsPath(TWO_OCTET), "no AS_PATH, no path");
    }

    @Test
    void longPathsMergeWithoutLimit() {
        List<Long> twoOctet = new ArrayList<>();
        List<Long> fourOctet = new ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            twoOctet.add(AS_TRANS);
            fourOctet.add(4_200_000_000L + i);
        }
        Update update = update(new AsPath(List.of(new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, twoOctet))),
                new As4Path(List.of(new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, fourOctet))));
        assertEquals(fourOctet, update.mergedAsPath(TWO_OCTET).get(0).asns());
    }
}
