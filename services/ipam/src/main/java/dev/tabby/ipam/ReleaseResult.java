package dev.tabby.ipam;

import dev.tabby.model.net.IpAddress;
import java.util.List;

/** What a release did: the addresses freed, and the ones asked for that were not allocated in the first place. */
public record ReleaseResult(List<IpAddress> released, List<IpAddress> notAllocated) {

    public ReleaseResult {
        released = List.copyOf(released);
        notAllocated = List.copyOf(notAllocated);
    }
}
