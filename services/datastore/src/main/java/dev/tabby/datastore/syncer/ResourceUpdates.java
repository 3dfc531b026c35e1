package dev.tabby.datastore.syncer;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import org.jboss.logging.Logger;

/**
 * A syncer {@link Update} of a Calico resource as the services read it: decoded and validated, or null when it is
 * deleted or does not decode. A value that does not decode counts as gone, with a log line naming the key: programming
 * half-understood state would be worse.
 */
public final class ResourceUpdates {
    private static final Logger LOG = Logger.getLogger(ResourceUpdates.class);

    private ResourceUpdates() {
    }

    public static <T> T decodeOrGone(Update u, Kind kind, Class<T> type) {
        return readOrGone(u, (value, key) -> type.cast(ResourceCodec.fromStoredValue(kind, value, u.modRevision(), key)));
    }

    /**
     * What {@code reader} makes of the value (from the value and its key, which its errors name), or null when the
     * key was deleted or the value does not read: logged once, and treated as gone, as {@link #decodeOrGone} does.
     */
    public static <T> T readOrGone(Update u, java.util.function.BiFunction<byte[], String, T> reader) {
        if (u.isDelete()) {
            return null;
        }
        try {
            return reader.apply(u.value(), u.key());
        } catch (RuntimeException e) {
            LOG.warnf("event=unreadable_resource key=%s problem=\"%s\" action=treated_as_gone", u.key(), oneLine(e));
            return null;
        }
    }

    /** A log line stays one line: parsers' messages carry a newline and the source position. */
    public static String oneLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).replace('"', '\'');
    }
}
