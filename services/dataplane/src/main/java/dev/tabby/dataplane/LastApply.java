package dev.tabby.dataplane;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A manager's last apply as its readers see it: the plan it applied together with whether that apply wrote everything,
 * published as one object, so that a reader (readiness, metrics, the REST status) never pairs one apply's plan with
 * another's outcome. The plan's status strings are built only when asked, once per plan: an apply for 1,000 nodes
 * should not pay for thousands of strings at every datastore change (issue 16). Safe from any thread; the plan must be
 * immutable.
 *
 * @param <P> the manager's plan
 * @param <S> the status made from it
 */
public final class LastApply<P, S> {
    private final P plan;
    private final boolean wroteAll;
    private final Function<P, S> toStatus;
    private volatile S status;

    private LastApply(P plan, boolean wroteAll, Function<P, S> toStatus, S status) {
        this.plan = plan;
        this.wroteAll = wroteAll;
        this.toStatus = toStatus;
        this.status = status;
    }

    /** Before the first apply: no plan, the given status. */
    public static <P, S> LastApply<P, S> none(S starting) {
        return new LastApply<>(null, false, p -> starting, starting);
    }

    /** The plan an apply just applied, and whether it wrote everything. */
    public static <P, S> LastApply<P, S> of(P plan, boolean wroteAll, Function<P, S> toStatus) {
        return new LastApply<>(plan, wroteAll, toStatus, null);
    }

    /** The plan's status, made on the first call. */
    public S status() {
        S s = status;
        if (s == null) {
            // Two threads may both make it; the plan is immutable, so either copy is right.
            s = toStatus.apply(plan);
            status = s;
        }
        return s;
    }

    /**
     * Whether the kernel holds what the plan asks for: the apply wrote everything and left a plan that is
     * {@code settled} (active, or inactive or disabled on purpose). False before the first apply.
     */
    public boolean programmed(Predicate<P> settled) {
        return wroteAll && plan != null && settled.test(plan);
    }
}
