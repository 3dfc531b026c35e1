package dev.tabby.bgp.wire;

import java.util.List;

/**
 * An UPDATE message (RFC 4271 section 4.3): IPv4 withdrawn routes, path attributes in the order received (those
 * dropped under RFC 7606 left out), IPv4 NLRI, and the errors RFC 7606 let the session survive. When {@link
 * #treatAsWithdraw()} is true every route this UPDATE announces, in the NLRI field and in MP_REACH_NLRI, must be
 * handled as withdrawn (RFC 7606 section 2).
 */
public record Update(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri,
        List<AttributeError> errors) implements BgpMessage {
    public Update {
        withdrawn = List.copyOf(withdrawn);
        attributes = List.copyOf(attributes);
        nlri = List.copyOf(nlri);
        errors = List.copyOf(errors);
    }

    /** An UPDATE to send: no errors. */
    public static Update of(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri) {
        return new Update(withdrawn, attributes, nlri, List.of());
    }

    @Override
    public int type() {
        return 2;
    }

    public boolean treatAsWithdraw() {
        return errors.stream().anyMatch(e -> e.action() == AttributeError.Action.TREAT_AS_WITHDRAW);
    }

    /** The first attribute of that type, or null. */
    public <T extends PathAttribute> T attribute(Class<T> type) {
        for (PathAttribute a : attributes) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }

    /** The path with AS4_PATH merged in on a 2-octet session (RFC 6793 4.2.3); empty without AS_PATH. */
    public List<AsPathSegment> mergedAsPath(Negotiated negotiated) {
        return AsPathMerge.merge(this, negotiated);
    }

    /** AGGREGATOR with AS4_AGGREGATOR's AS when it carries AS_TRANS (RFC 6793 4.2.3); null without AGGREGATOR. */
    public PathAttribute.Aggregator mergedAggregator(Negotiated negotiated) {
        return AsPathMerge.mergeAggregator(this, negotiated);
    }
}
