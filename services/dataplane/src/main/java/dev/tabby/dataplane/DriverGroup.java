package dev.tabby.dataplane;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A service's drivers applied together, in order (e.g. FDB and neighbours before the routes that use them), with one
 * merged result; the apply loop's resync reaches them all through {@link #queueResync()}.
 */
public final class DriverGroup implements Driver {
    private final List<Driver> drivers;

    public DriverGroup(Driver... drivers) {
        this.drivers = List.of(drivers);
    }

    @Override
    public String name() {
        return drivers.stream().map(Driver::name).collect(Collectors.joining(", "));
    }

    @Override
    public void queueResync() {
        drivers.forEach(Driver::queueResync);
    }

    /** Every driver runs, even after another failed: their objects are independent. */
    @Override
    public ApplyResult apply() {
        return ApplyResult.merge(drivers.stream().map(Driver::apply).toList());
    }

    @Override
    public int pendingCount() {
        return drivers.stream().mapToInt(Driver::pendingCount).sum();
    }
}
