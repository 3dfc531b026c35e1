package dev.tabby.bgp.wire;

import dev.tabby.bgp.wire.PathAttribute.Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Path;
import dev.tabby.bgp.wire.PathAttribute.AsPath;
import java.util.ArrayList;
import java.util.List;

/**
 * The AS path and aggregator a 2-octet session really carries: AS_PATH with AS4_PATH merged in, AGGREGATOR with
 * AS4_AGGREGATOR (RFC 6793 section 4.2.3). On a 4-octet session AS_PATH and AGGREGATOR are as received.
 */
final class AsPathMerge {
    private AsPathMerge() {
    }

    static List<AsPathSegment> merge(Update update, Negotiated negotiated) {
        AsPath asPath = update.attribute(AsPath.class);
        if (asPath == null) {
            return List.of();
        }
        As4Path as4Path = update.attribute(As4Path.class);
        if (negotiated.fourOctetAs() || as4Path == null) {
            return asPath.segments();
        }
        Aggregator aggregator = update.attribute(Aggregator.class);
        if (aggregator != null && update.attribute(As4Aggregator.class) != null
                && aggregator.as() != PathAttributeTable.AS_TRANS) {
            // The aggregating speaker was a 2-octet one, so AS4_PATH describes a different path: ignore it.
            return asPath.segments();
        }
        int asPathLength = length(asPath.segments());
        int as4PathLength = length(as4Path.segments());
        if (asPathLength < as4PathLength) {
            return asPath.segments();
        }
        int needed = asPathLength - as4PathLength;
        List<AsPathSegment> merged = new ArrayList<>();
        for (AsPathSegment segment : asPath.segments()) {
            if (needed == 0) {
                break;
            }
            if (segment.type() == AsPathSegment.Type.AS_SEQUENCE && segment.asns().size() > needed) {
                merged.add(new AsPathSegment(segment.type(), segment.asns().subList(0, needed)));
                needed = 0;
            } else {
                merged.add(segment);
                needed -= segment.pathLength();
            }
        }
        List<AsPathSegment> as4Segments = as4Path.segments();
        int last = merged.size() - 1;
        if (last >= 0 && !as4Segments.isEmpty() && merged.get(last).type() == AsPathSegment.Type.AS_SEQUENCE
                && as4Segments.get(0).type() == AsPathSegment.Type.AS_SEQUENCE) {
            // Two sequences meeting at the join are one sequence, as the 4-octet speaker wrote it.
            List<Long> joined = new ArrayList<>(merged.get(last).asns());
            joined.addAll(as4Segments.get(0).asns());
            merged.set(last, new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, joined));
            merged.addAll(as4Segments.subList(1, as4Segments.size()));
        } else {
            merged.addAll(as4Segments);
        }
        return List.copyOf(merged);
    }

    /** RFC 6793 4.2.3: AGGREGATOR carrying AS_TRANS stands for AS4_AGGREGATOR's 4-octet AS. */
    static Aggregator mergeAggregator(Update update, Negotiated negotiated) {
        Aggregator aggregator = update.attribute(Aggregator.class);
        As4Aggregator as4Aggregator = update.attribute(As4Aggregator.class);
        if (negotiated.fourOctetAs() || aggregator == null || as4Aggregator == null
                || aggregator.as() != PathAttributeTable.AS_TRANS) {
            return aggregator;
        }
        return new Aggregator(as4Aggregator.as(), as4Aggregator.address());
    }

    private static int length(List<AsPathSegment> segments) {
        return segments.stream().mapToInt(AsPathSegment::pathLength).sum();
    }
}
