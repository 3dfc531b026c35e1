package dev.tabby.dataplane;

import dev.tabby.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What the kernel interfaces' batch operations do when nothing pipelines them: the single calls, one by one. */
public final class KernelBatch {
    private KernelBatch() {
    }

    /**
     * Makes each change with {@code call} in order and returns each one's refusal in the same order, empty when
     * done. Only kernel refusals are collected; anything else propagates, as from the single call.
     */
    public static <C> List<Optional<NetlinkException>> oneAtATime(List<C> changes, Consumer<C> call) {
        List<Optional<NetlinkException>> outcomes = new ArrayList<>(changes.size());
        for (C change : changes) {
            try {
                call.accept(change);
                outcomes.add(Optional.empty());
            } catch (NetlinkException e) {
                outcomes.add(Optional.of(e));
            }
        }
        return outcomes;
    }
}
