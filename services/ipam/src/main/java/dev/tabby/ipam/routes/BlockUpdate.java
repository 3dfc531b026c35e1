package dev.tabby.ipam.routes;

import dev.tabby.datastore.syncer.ResourceUpdates;
import dev.tabby.datastore.syncer.Update;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import java.io.IOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A syncer update of an IPv4 IPAM block as the overlays read it: the block, and what routing needs of it
 * ({@link RoutableBlock#read}), or null when it is deleted, marked deleted or does not decode (logged).
 *
 * @param block     the block's CIDR, from its key
 * @param routable  the block, or null when gone
 */
public record BlockUpdate(Cidr block, RoutableBlock routable) {
    private static final Logger LOG = Logger.getLogger(BlockUpdate.class);
    /** The keys of IPv4 blocks. */
    public static final String PREFIX = IpamKeys.blockPrefix(4);

    /** Empty for a key that is not an IPv4 block's (an IPv6 block, or something else under the prefix). */
    public static Optional<BlockUpdate> of(Update u) {
        if (!u.key().startsWith(PREFIX)) {
            return Optional.empty();
        }
        Optional<Cidr> cidr = IpamKeys.parseBlock(u.key());
        if (cidr.isEmpty()) {
            LOG.warnf("event=unreadable_key key=%s problem=\"not a block key\"", u.key());
            return Optional.empty();
        }
        RoutableBlock routable = null;
        if (!u.isDelete()) {
            try {
                routable = RoutableBlock.read(u.value(), cidr.get()).orElse(null);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("event=unreadable_block key=%s problem=\"%s\" action=treated_as_gone", u.key(),
                        ResourceUpdates.oneLine(e));
            }
        }
        return Optional.of(new BlockUpdate(cidr.get(), routable));
    }
}
