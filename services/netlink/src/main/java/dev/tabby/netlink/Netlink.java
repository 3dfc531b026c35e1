package dev.tabby.netlink;

import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.MessageBuilder;
import dev.tabby.netlink.raw.NetlinkSocket;
import dev.tabby.netlink.raw.NetnsThread;
import dev.tabby.netlink.raw.Nl;
import dev.tabby.netlink.raw.Sys;
import dev.tabby.netlink.raw.Waker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * rtnetlink for one network namespace, named after iproute2: {@code linkAdd}, {@code routeReplace},
 * {@code neighSet}, {@code fdbAdd}. Open one with {@link #open()} (this namespace) or {@link #at(Path)} and close
 * it with try-with-resources.
 *
 * <p>Thread safety: a handle owns one netlink socket and its sequence numbers, so it is safe to use from one thread
 * at a time; give each thread its own handle or guard it. Link subscriptions run on their own socket and thread.
 *
 * <p>Namespaces: setns() is per thread, so a handle made by {@link #at(Path)} keeps a daemon thread inside the
 * namespace. Its socket is created there (and stays in that namespace whichever thread uses it), and sysctls are
 * read and written there. The caller's thread is never switched.
 *
 * <p>Errors: every kernel refusal is a {@link NetlinkException} with the errno, the call and the object.
 */
public final class Netlink implements AutoCloseable {
    private static final int IFNAMSIZ = 16;

    private final NetlinkSocket socket;
    private final NetnsThread nsThread;
    private final String label;
    private final Set<EventWatch> watches = ConcurrentHashMap.newKeySet();
    private boolean closed;

    private Netlink(NetlinkSocket socket, NetnsThread nsThread, String label) {
        this.socket = socket;
        this.nsThread = nsThread;
        this.label = label;
    }

    /** A handle on the calling thread's network namespace (for ordinary threads, the process's). */
    public static Netlink open() {
        try {
            return new Netlink(NetlinkSocket.open(0, 0), null, "current");
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "open", "netlink socket", e.kernelMessage());
        }
    }

    /** A handle on the namespace at {@code ns}: {@code /run/netns/NAME} or {@code /proc/PID/ns/net}. */
    public static Netlink at(Path ns) {
        return at(ns, () -> NetlinkSocket.open(0, 0));
    }

    /** {@link #at(Path)} with the socket made by {@code openSocket} in the namespace; tests make it fail. */
    static Netlink at(Path ns, NetnsThread.Task<NetlinkSocket> openSocket) {
        Objects.requireNonNull(ns, "ns");
        NetnsThread thread;
        try {
            thread = NetnsThread.enter(ns);
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), "at", "netns " + ns, e.errno() == Errno.EINVAL
                    ? "not a network namespace (expected /run/netns/NAME or /proc/PID/ns/net)" : null);
        }
        try {
            NetlinkSocket socket = thread.call(openSocket);
            return new Netlink(socket, thread, ns.getFileName() == null ? ns.toString() : ns.getFileName().toString());
        } catch (ErrnoException e) {
            thread.close();
            throw new NetlinkException(e.errno(), "at", "netns " + ns, e.kernelMessage());
        } catch (Throwable e) {
            // Every failure, not only the kernel's: a thread left behind would hold the namespace after `ip netns del`.
            thread.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- links

    public List<Link> linkList() {
        ensureOpen();
        try {
            return socket.dump(LinkCodec.message(Nl.RTM_GETLINK, Nl.F_DUMP, 0, 0, 0), Netlink::linkOrNull);
        } catch (ErrnoException e) {
            throw fail("linkList", "links", e);
        }
    }

    public Optional<Link> linkByName(String name) {
        checkName(name);
        return lookup("linkByName", Describe.link(name),
                LinkCodec.message(Nl.RTM_GETLINK, Nl.F_ACK, 0, 0, 0).attrString(LinkCodec.IFLA_IFNAME, name));
    }

    public Optional<Link> linkByIndex(int index) {
        if (index <= 0) {
            return Optional.empty(); // the kernel would take index 0 as "no key" and say EINVAL
        }
        return lookup("linkByIndex", "link #" + index, LinkCodec.message(Nl.RTM_GETLINK, Nl.F_ACK, index, 0, 0));
    }

    /**
     * Creates {@code link} and returns it as the kernel now has it (index, MAC, ... filled in). For a veth, the
     * returned record keeps the peer name and namespace that were asked for, which the kernel does not report.
     */
    public Link linkAdd(Link link) {
        ensureOpen();
        checkName(link.name());
        int peerNsFd = -1;
        try {
            if (link instanceof Link.Veth v && v.peerName() != null) {
                checkName(v.peerName());
            }
            if (link instanceof Link.Veth v && v.peerNamespace() != null) {
                peerNsFd = openNamespace("linkAdd", Describe.link(link.name()), v.peerNamespace());
            }
            socket.execute(LinkCodec.add(link, peerNsFd));
        } catch (ErrnoException e) {
            throw fail("linkAdd", Describe.link(link.name()), e);
        } finally {
            Sys.close(peerNsFd);
        }
        Link created = linkByName(link.name()).orElseThrow(() -> new NetlinkException(Errno.ENODEV, "linkAdd",
                Describe.link(link.name()), "created, but gone again before it could be read back"));
        if (created instanceof Link.Veth made && link instanceof Link.Veth asked) {
            return new Link.Veth(made.attrs(), asked.peerName(), asked.peerNamespace());
        }
        return created;
    }

    public void linkDel(String name) {
        checkName(name);
        execute("linkDel", () -> Describe.link(name),
                LinkCodec.message(Nl.RTM_DELLINK, Nl.F_ACK, 0, 0, 0).attrString(LinkCodec.IFLA_IFNAME, name));
    }

    public void linkSetUp(String name) {
        execute("linkSetUp", () -> Describe.link(name), setLink(name, LinkCodec.IFF_UP, LinkCodec.IFF_UP));
    }

    public void linkSetDown(String name) {
        execute("linkSetDown", () -> Describe.link(name), setLink(name, 0, LinkCodec.IFF_UP));
    }

    public void linkSetMtu(String name, int mtu) {
        execute("linkSetMtu", () -> Describe.link(name) + " mtu " + mtu, setLink(name, 0, 0).attrU32(LinkCodec.IFLA_MTU, mtu));
    }

    public void linkSetMac(String name, MacAddress mac) {
        Objects.requireNonNull(mac, "mac");
        execute("linkSetMac", () -> Describe.link(name) + " address " + mac, setLink(name, 0, 0).attr(LinkCodec.IFLA_ADDRESS, mac.bytes()));
    }

    /** Moves the link into the namespace at {@code ns}; it disappears from this handle's namespace. */
    public void linkSetNamespace(String name, Path ns) {
        Objects.requireNonNull(ns, "ns");
        String object = Describe.link(name) + " netns " + ns;
        MessageBuilder m = setLink(name, 0, 0);
        int fd = openNamespace("linkSetNamespace", object, ns);
        try {
            execute("linkSetNamespace", () -> object, m.attrU32(LinkCodec.IFLA_NET_NS_FD, fd));
        } finally {
            Sys.close(fd);
        }
    }

    /** Enslaves the link to {@code bridgeName}; null releases it ({@code ip link set NAME nomaster}). */
    public void linkSetMaster(String name, String bridgeName) {
        String object = Describe.link(name) + (bridgeName == null ? " nomaster" : " master " + bridgeName);
        int masterIndex = 0;
        if (bridgeName != null) {
            masterIndex = linkByName(bridgeName).map(Link::index).orElseThrow(() -> new NetlinkException(
                    Errno.ENODEV, "linkSetMaster", object, "no link named " + bridgeName));
        }
        execute("linkSetMaster", () -> object, setLink(name, 0, 0).attrU32(LinkCodec.IFLA_MASTER, masterIndex));
    }

    /**
     * Configures the fallback IP-in-IP device (normally {@code tunl0}): its MTU and up state, as Calico does. It
     * creates nothing else: if the device is missing, asking the kernel for an ipip link loads the ipip module, whose
     * loading creates tunl0. The kernel refuses any change to the fallback tunnel's own parameters, so
     * {@code local}/{@code remote} must be null, {@code ttl} 0 (inherit) and {@code pmtuDiscovery} false, as tunl0
     * has them; anything else fails with the kernel's EINVAL.
     *
     * @throws NetlinkException EOPNOTSUPP when the kernel has no IP-in-IP support at all
     */
    public Link.Ipip ipipConfigure(Link.Ipip tunl0) {
        String name = tunl0.attrs() == null || tunl0.attrs().name() == null ? "tunl0" : tunl0.attrs().name();
        String object = Describe.link(name);
        Link current = linkByName(name).orElse(null);
        if (current == null) {
            loadIpip(name, object);
            current = linkByName(name).orElseThrow(() -> new NetlinkException(Errno.ENODEV, "ipipConfigure", object,
                    "the ipip module is loaded but created no " + name));
        }
        if (!(current instanceof Link.Ipip have)) {
            throw new NetlinkException(Errno.EINVAL, "ipipConfigure", object, name + " exists but is not an ipip tunnel: " + current);
        }
        if (!Objects.equals(have.local(), tunl0.local()) || !Objects.equals(have.remote(), tunl0.remote())
                || have.ttl() != tunl0.ttl() || have.pmtuDiscovery() != tunl0.pmtuDiscovery()) {
            MessageBuilder m = LinkCodec.message(Nl.RTM_NEWLINK, Nl.F_ACK, have.index(), 0, 0);
            int info = m.nestStart(LinkCodec.IFLA_LINKINFO);
            m.attrString(LinkCodec.IFLA_INFO_KIND, "ipip");
            int data = m.nestStart(LinkCodec.IFLA_INFO_DATA);
            LinkCodec.putIpipData(m, tunl0);
            m.nestEnd(data);
            m.nestEnd(info);
            try {
                socket.execute(m);
            } catch (ErrnoException e) {
                throw new NetlinkException(e.errno(), "ipipConfigure", object, e.kernelMessage() != null ? e.kernelMessage()
                        : "the kernel does not change the fallback tunnel's local, remote, ttl or pmtudisc");
            }
        }
        int mtu = tunl0.attrs() == null ? 0 : tunl0.attrs().mtu();
        if (mtu > 0 && mtu != have.attrs().mtu()) {
            linkSetMtu(name, mtu);
        }
        if (tunl0.attrs() != null && tunl0.attrs().up() && !have.attrs().up()) {
            linkSetUp(name);
        }
        return (Link.Ipip) linkByName(name).orElseThrow(() -> new NetlinkException(Errno.ENODEV, "ipipConfigure", object, "gone while configuring"));
    }

    /** Asking for a new ipip link makes the kernel load the module, which creates the fallback device itself. */
    private void loadIpip(String name, String object) {
        MessageBuilder m = LinkCodec.message(Nl.RTM_NEWLINK, Nl.F_CREATE | Nl.F_EXCL | Nl.F_ACK, 0, 0, 0)
                .attrString(LinkCodec.IFLA_IFNAME, name);
        int info = m.nestStart(LinkCodec.IFLA_LINKINFO);
        m.attrString(LinkCodec.IFLA_INFO_KIND, "ipip");
        m.nestEnd(info);
        try {
            socket.execute(m);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EEXIST) {
                return; // loading the module created it: the usual way
            }
            String hint = e.errno() == Errno.EOPNOTSUPP
                    ? "the kernel has no IP-in-IP support (no ipip module; try modprobe ipip)" : null;
            String kernel = e.kernelMessage();
            throw new NetlinkException(e.errno(), "ipipConfigure", object,
                    hint == null ? kernel : kernel == null ? hint : hint + ": " + kernel);
        }
    }

    // ---------------------------------------------------------------- addresses

    /** Addresses on {@code linkIndex} (0 = every link) of {@code family} (0 = IPv4 and IPv6). */
    public List<Addr> addrList(int linkIndex, int family) {
        ensureOpen();
        try {
            return socket.dump(AddrCodec.message(Nl.RTM_GETADDR, Nl.F_DUMP, family, 0, 0, 0, 0), (type, p) -> {
                if (type != Nl.RTM_NEWADDR) {
                    return null;
                }
                Addr a = AddrCodec.decode(p);
                return a == null || (linkIndex != 0 && a.linkIndex() != linkIndex) || (family != 0 && a.address().isV4() != (family == Family.INET))
                        ? null : a;
            });
        } catch (ErrnoException e) {
            throw fail("addrList", "addresses", e);
        }
    }

    /** {@code ip addr add}: EEXIST if the address is already there. */
    public void addrAdd(Addr a) {
        execute(addrAddWrite(a));
    }

    Write addrAddWrite(Addr a) {
        return new Write("addrAdd", dev -> Describe.addr(a, dev),
                AddrCodec.encode(Nl.RTM_NEWADDR, Nl.F_CREATE | Nl.F_EXCL | Nl.F_ACK, a, true));
    }

    /** {@code ip addr replace}: adds, or updates flags/scope/label of the same address. */
    public void addrReplace(Addr a) {
        execute(addrReplaceWrite(a));
    }

    Write addrReplaceWrite(Addr a) {
        return new Write("addrReplace", dev -> Describe.addr(a, dev),
                AddrCodec.encode(Nl.RTM_NEWADDR, Nl.F_CREATE | Nl.F_REPLACE | Nl.F_ACK, a, true));
    }

    public void addrDel(Addr a) {
        execute(addrDelWrite(a));
    }

    Write addrDelWrite(Addr a) {
        return new Write("addrDel", dev -> Describe.addr(a, dev), AddrCodec.encode(Nl.RTM_DELADDR, Nl.F_ACK, a, false));
    }

    // ---------------------------------------------------------------- routes

    /** Routes matching {@code filter} (null = all), without the kernel's cached clones. */
    public List<Route> routeList(RouteFilter filter) {
        ensureOpen();
        RouteFilter f = filter == null ? RouteFilter.ALL : filter;
        int family = f.family() != null ? f.family() : f.destination() != null ? (f.destination().isV4() ? Family.INET : Family.INET6) : 0;
        try {
            return socket.dump(RouteCodec.dumpRequest(Nl.RTM_GETROUTE, Nl.F_DUMP, family),
                    (type, p) -> type == Nl.RTM_NEWROUTE ? RouteCodec.decode(p, f) : null);
        } catch (ErrnoException e) {
            throw fail("routeList", "routes", e);
        }
    }

    /** {@code ip route replace}. */
    public void routeReplace(Route r) {
        execute(routeReplaceWrite(r));
    }

    Write routeReplaceWrite(Route r) {
        return new Write("routeReplace", dev -> Describe.route(r, dev),
                RouteCodec.encode(Nl.RTM_NEWROUTE, Nl.F_CREATE | Nl.F_REPLACE | Nl.F_ACK, r, false));
    }

    /** {@code ip route add}: EEXIST if the same route is there. */
    public void routeAdd(Route r) {
        execute(routeAddWrite(r));
    }

    Write routeAddWrite(Route r) {
        return new Write("routeAdd", dev -> Describe.route(r, dev),
                RouteCodec.encode(Nl.RTM_NEWROUTE, Nl.F_CREATE | Nl.F_EXCL | Nl.F_ACK, r, false));
    }

    /** {@code ip route del}: ESRCH if there is no such route. Any scope matches; a metric of 0 matches any metric. */
    public void routeDel(Route r) {
        execute(routeDelWrite(r));
    }

    Write routeDelWrite(Route r) {
        return new Write("routeDel", dev -> Describe.route(r, dev), RouteCodec.encode(Nl.RTM_DELROUTE, Nl.F_ACK, r, true));
    }

    // ---------------------------------------------------------------- neighbours

    /** ARP/NDP entries on {@code linkIndex} (0 = every link) of {@code family} (0 = IPv4 and IPv6). */
    public List<Neigh> neighList(int linkIndex, int family) {
        ensureOpen();
        try {
            return socket.dump(NeighCodec.message(Nl.RTM_GETNEIGH, Nl.F_DUMP, family, 0, 0, 0),
                    (type, p) -> type == Nl.RTM_NEWNEIGH ? NeighCodec.decodeNeigh(p, linkIndex, family) : null);
        } catch (ErrnoException e) {
            throw fail("neighList", "neighbours", e);
        }
    }

    /** {@code ip neigh replace}: creates or replaces. */
    public void neighSet(Neigh n) {
        execute(neighSetWrite(n));
    }

    Write neighSetWrite(Neigh n) {
        return new Write("neighSet", dev -> Describe.neigh(n, dev),
                NeighCodec.encode(Nl.RTM_NEWNEIGH, Nl.F_CREATE | Nl.F_REPLACE | Nl.F_ACK, n));
    }

    public void neighDel(Neigh n) {
        execute(neighDelWrite(n));
    }

    Write neighDelWrite(Neigh n) {
        return new Write("neighDel", dev -> Describe.neigh(n, dev), NeighCodec.encode(Nl.RTM_DELNEIGH, Nl.F_ACK, n));
    }

    // ---------------------------------------------------------------- VXLAN FDB

    /** Bridge-family forwarding entries on {@code linkIndex} (0 = every link). */
    public List<Fdb> fdbList(int linkIndex) {
        ensureOpen();
        try {
            return socket.dump(NeighCodec.message(Nl.RTM_GETNEIGH, Nl.F_DUMP, Family.BRIDGE, 0, 0, 0),
                    (type, p) -> type == Nl.RTM_NEWNEIGH ? NeighCodec.decodeFdb(p, linkIndex) : null);
        } catch (ErrnoException e) {
            throw fail("fdbList", "fdb", e);
        }
    }

    /** {@code bridge fdb replace MAC dev DEV dst REMOTE self permanent}: creates or replaces. */
    public void fdbAdd(Fdb f) {
        execute(fdbAddWrite(f));
    }

    Write fdbAddWrite(Fdb f) {
        return new Write("fdbAdd", dev -> Describe.fdb(f, dev),
                NeighCodec.encode(Nl.RTM_NEWNEIGH, Nl.F_CREATE | Nl.F_REPLACE | Nl.F_ACK, f));
    }

    public void fdbDel(Fdb f) {
        execute(fdbDelWrite(f));
    }

    Write fdbDelWrite(Fdb f) {
        return new Write("fdbDel", dev -> Describe.fdb(f, dev), NeighCodec.encode(Nl.RTM_DELNEIGH, Nl.F_ACK, f));
    }

    // ---------------------------------------------------------------- batches

    /**
     * An empty batch of changes on this handle: queue routes, neighbours, FDB entries and addresses, then
     * {@link NetlinkBatch#execute()} sends them many to a datagram and reports each one.
     */
    public NetlinkBatch batch() {
        ensureOpen();
        return new NetlinkBatch(this);
    }

    // ---------------------------------------------------------------- events

    /**
     * Delivers link events of this namespace to {@code listener}, as {@link #subscribe} does. Lost events are only
     * logged (event=netlink_events_lost): a listener that must resync after them subscribes with {@link #subscribe}.
     */
    public LinkSubscription subscribeLinks(Consumer<LinkEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return subscribe(Set.of(EventGroup.LINK), new NetlinkListener() {
            @Override
            public void onLink(LinkEvent event) {
                listener.accept(event);
            }

            @Override
            public void onEventsLost() {
                // logged by the subscription; this listener has no way to resync
            }
        });
    }

    /**
     * Delivers the events of {@code groups} in this namespace to {@code listener} on one daemon thread of its own,
     * from a socket of its own, until the subscription (or this handle) is closed. Events for changes made after this
     * returns are delivered; a listener that throws is logged and keeps receiving. When the kernel drops events (the
     * listener fell behind a burst), {@link NetlinkListener#onEventsLost()} says to re-read the kernel's state.
     */
    public LinkSubscription subscribe(Set<EventGroup> groups, NetlinkListener listener) {
        return subscribe(groups, listener, EventWatch.RECEIVE_BUFFER);
    }

    /** {@link #subscribe(Set, NetlinkListener)} with a receive buffer of {@code receiveBufferBytes}; tests make it tiny. */
    LinkSubscription subscribe(Set<EventGroup> groups, NetlinkListener listener, int receiveBufferBytes) {
        Objects.requireNonNull(listener, "listener");
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException("subscribe needs at least one event group");
        }
        ensureOpen();
        Set<EventGroup> joined = Set.copyOf(groups);
        int mask = 0;
        for (EventGroup g : joined) {
            mask |= g.bindMask();
        }
        int bindMask = mask;
        String object = "events " + joined;
        NetlinkSocket events;
        Waker waker;
        try {
            events = inNamespace(() -> NetlinkSocket.open(bindMask, receiveBufferBytes));
        } catch (ErrnoException e) {
            throw fail("subscribe", object, e);
        }
        try {
            waker = Waker.open();
        } catch (ErrnoException e) {
            events.close();
            throw fail("subscribe", object, e);
        }
        EventWatch watch = new EventWatch(events, waker, joined, listener, label, watches::remove);
        watches.add(watch);
        return watch;
    }

    // ---------------------------------------------------------------- sysctls

    /** Reads {@code /proc/sys/PATH} of this namespace, e.g. {@code net/ipv4/conf/cali123/forwarding}; trailing newline removed. */
    public String sysctlGet(String path) {
        Sysctl.validate(path);
        ensureOpen();
        try {
            return inNamespace(() -> Sysctl.read(path));
        } catch (ErrnoException e) {
            throw NetlinkException.sysctl(e.errno(), "sysctlGet", path, e.kernelMessage());
        }
    }

    /** Writes {@code value} to {@code /proc/sys/PATH} of this namespace in one write. */
    public void sysctlSet(String path, String value) {
        Sysctl.validate(path);
        Objects.requireNonNull(value, "value");
        ensureOpen();
        try {
            inNamespace(() -> {
                Sysctl.write(path, value);
                return null;
            });
        } catch (ErrnoException e) {
            throw NetlinkException.sysctl(e.errno(), "sysctlSet", path, e.kernelMessage());
        }
    }

    /** Stops this handle's event subscriptions, closes its socket and its namespace thread. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (EventWatch w : new ArrayList<>(watches)) {
                w.close();
            }
        } finally {
            socket.close();
            if (nsThread != null) {
                nsThread.close(); // returns once the thread is gone, so the namespace is no longer held
            }
        }
    }

    // ---------------------------------------------------------------- plumbing

    private <T> T inNamespace(NetnsThread.Task<T> task) throws ErrnoException {
        return nsThread == null ? task.run() : nsThread.call(task);
    }

    /**
     * One change as the single call and a batch both send it: the call's name, its object in iproute2's words (worked
     * out only on failure, given a way to name a device by its index) and the request.
     */
    record Write(String operation, Function<IntFunction<String>, String> object, MessageBuilder message) {
    }

    /** Sends a change and waits for its ACK; {@code object} is only worked out (names resolved) on failure. */
    private void execute(String operation, Supplier<String> object, MessageBuilder m) {
        execute(new Write(operation, dev -> object.get(), m));
    }

    private void execute(Write w) {
        ensureOpen();
        try {
            socket.execute(w.message());
        } catch (ErrnoException e) {
            throw fail(w.operation(), w.object().apply(this::devName), e);
        }
    }

    /**
     * Sends {@code writes} pipelined and returns, in order, the NetlinkException each single call would have thrown,
     * or empty for a change done.
     */
    List<Optional<NetlinkException>> executeAll(List<Write> writes) {
        ensureOpen();
        List<MessageBuilder> messages = new ArrayList<>(writes.size());
        for (Write w : writes) {
            messages.add(w.message());
        }
        List<ErrnoException> errors = socket.executeAll(messages);
        // Named only now that every ACK is in (naming a device is a request of its own), and each device once: a
        // batch that fails because its device is gone fails the same way a thousand times.
        Map<Integer, String> devNames = new HashMap<>();
        IntFunction<String> dev = index -> devNames.computeIfAbsent(index, this::devName);
        List<Optional<NetlinkException>> out = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            ErrnoException e = errors.get(i);
            Write w = writes.get(i);
            out.add(e == null ? Optional.empty() : Optional.of(fail(w.operation(), w.object().apply(dev), e)));
        }
        return out;
    }

    private Optional<Link> lookup(String operation, String object, MessageBuilder m) {
        ensureOpen();
        try {
            return socket.request(m, Netlink::linkOrNull).stream().findFirst();
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw fail(operation, object, e);
        }
    }

    private static Link linkOrNull(int type, ByteBuffer payload) {
        return type == Nl.RTM_NEWLINK ? LinkCodec.decode(payload) : null;
    }

    /** RTM_SETLINK addressed by name, so a missing link is the kernel's ENODEV without a lookup first. */
    private static MessageBuilder setLink(String name, int ifFlags, int change) {
        checkName(name);
        return LinkCodec.message(Nl.RTM_SETLINK, Nl.F_ACK, 0, ifFlags, change).attrString(LinkCodec.IFLA_IFNAME, name);
    }

    private static int openNamespace(String operation, String object, Path ns) {
        try {
            return Sys.openNamespace(ns.toString());
        } catch (ErrnoException e) {
            throw new NetlinkException(e.errno(), operation, object, "cannot open network namespace " + ns);
        }
    }

    private static NetlinkException fail(String operation, String object, ErrnoException e) {
        return new NetlinkException(e.errno(), operation, object, e.kernelMessage());
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a link name is required");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length >= IFNAMSIZ) {
            throw new IllegalArgumentException("link name \"" + name + "\" is longer than the kernel's " + (IFNAMSIZ - 1) + " bytes");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Netlink handle (" + label + ") is closed");
        }
    }

    /** An interface name for messages, or {@code #INDEX} when it cannot be resolved (e.g. it is gone). */
    private String devName(int index) {
        if (index == 0) {
            return "#0";
        }
        try {
            List<Link> found = socket.request(LinkCodec.message(Nl.RTM_GETLINK, Nl.F_ACK, index, 0, 0), Netlink::linkOrNull);
            if (!found.isEmpty()) {
                return found.get(0).name();
            }
        } catch (ErrnoException | RuntimeException e) {
            // fall through: the message still names the index
        }
        return "#" + index;
    }
}
