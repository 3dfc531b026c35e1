package dev.tabby.netlink;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Changes queued on one {@link Netlink} handle and sent together by {@link #execute()}: many requests per datagram,
 * each with its own sequence number and ACK, so a thousand routes cost a few system calls rather than two thousand.
 * The calls are named, and behave, as the handle's single calls do; the kernel applies them in the order queued and
 * goes on past a refused one.
 *
 * <pre>{@code
 * NetlinkBatch batch = netlink.batch();
 * for (Route r : routes) {
 *     batch.routeReplace(r);
 * }
 * List<Optional<NetlinkException>> outcomes = batch.execute(); // one per route, in order
 * }</pre>
 *
 * <p>Like its handle, a batch is for one thread at a time. Encoding happens as a change is queued, so a change the
 * codec rejects throws there, as the single call would, and is not queued.
 */
public final class NetlinkBatch {
    private final Netlink netlink;
    private final List<Netlink.Write> writes = new ArrayList<>();

    NetlinkBatch(Netlink netlink) {
        this.netlink = netlink;
    }

    /** {@code ip route replace}. */
    public NetlinkBatch routeReplace(Route r) {
        return queue(netlink.routeReplaceWrite(r));
    }

    /** {@code ip route add}: EEXIST if the same route is there. */
    public NetlinkBatch routeAdd(Route r) {
        return queue(netlink.routeAddWrite(r));
    }

    /** {@code ip route del}: ESRCH if there is no such route. */
    public NetlinkBatch routeDel(Route r) {
        return queue(netlink.routeDelWrite(r));
    }

    /** {@code ip neigh replace}: creates or replaces. */
    public NetlinkBatch neighSet(Neigh n) {
        return queue(netlink.neighSetWrite(n));
    }

    public NetlinkBatch neighDel(Neigh n) {
        return queue(netlink.neighDelWrite(n));
    }

    /** {@code bridge fdb replace MAC dev DEV dst REMOTE self permanent}: creates or replaces. */
    public NetlinkBatch fdbAdd(Fdb f) {
        return queue(netlink.fdbAddWrite(f));
    }

    public NetlinkBatch fdbDel(Fdb f) {
        return queue(netlink.fdbDelWrite(f));
    }

    /** {@code ip addr add}: EEXIST if the address is already there. */
    public NetlinkBatch addrAdd(Addr a) {
        return queue(netlink.addrAddWrite(a));
    }

    /** {@code ip addr replace}. */
    public NetlinkBatch addrReplace(Addr a) {
        return queue(netlink.addrReplaceWrite(a));
    }

    public NetlinkBatch addrDel(Addr a) {
        return queue(netlink.addrDelWrite(a));
    }

    /** How many changes are queued. */
    public int size() {
        return writes.size();
    }

    /**
     * Sends every queued change and waits for all their ACKs; the batch is then empty and can be filled again.
     *
     * @return one outcome per change, in the order queued: empty when done, else the {@link NetlinkException} the
     *         single call would have thrown (same errno, operation and object). If the socket itself fails (no answer
     *         in time, or ACKs lost to a full receive buffer, ENOBUFS), each change left unanswered carries that
     *         error, and whether it took effect is unknown.
     */
    public List<Optional<NetlinkException>> execute() {
        List<Netlink.Write> sending = List.copyOf(writes);
        writes.clear();
        return netlink.executeAll(sending);
    }

    private NetlinkBatch queue(Netlink.Write w) {
        writes.add(w);
        return this;
    }
}
