package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.datastore.EtcdConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;

/**
 * The testbed's own etcd cluster ({@code --etcd-members N}, N odd and above 1): member k runs in namespace
 * {@code <prefix>etcd<k>} at {@link Layout#etcdMemberAddress}, plugged into the underlay like a node, its data and
 * log under {@code var/testbed/etcd/etcd<k>}, its PID in the state so {@code down} ends it by PID. Every node is given
 * every member's endpoint. This host reaches the members through {@link EtcdHostForwarder}: one 127.0.0.1 port per
 * member.
 */
final class EtcdMembers {
    static final String SERVICE = "etcd";
    static final String HOST_FORWARDER = "etcd-host-forwarder";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Elections within about a second of losing the leader; etcd's defaults (100 ms, 1 s), said aloud. */
    private static final String HEARTBEAT_MS = "100";
    private static final String ELECTION_MS = "1000";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Layout layout;
    private final State state;

    EtcdMembers(Layout layout, State state) {
        this.layout = layout;
        this.state = state;
    }

    /** Plugs every member into the underlay, starts them and the host forwarder, and waits for a leader. */
    void startAll(Underlay underlay) {
        for (int k = 1; k <= layout.etcdMembers(); k++) {
            underlay.addEtcdMember(k);
        }
        for (int k = 1; k <= layout.etcdMembers(); k++) {
            start(k);
        }
        startHostForwarder();
        awaitHealthy(START_TIMEOUT);
    }

    /** Starts member {@code k} (again, after a kill or stop: same data, same address); records its PID. */
    void start(int k) {
        String name = Layout.etcdMemberName(k);
        Path dir = layout.etcdMemberDir(k);
        if (running(k)) {
            throw new IllegalStateException("etcd member " + name + " is already running (pid " + member(k).pid + ")");
        }
        List<String> peers = new ArrayList<>();
        for (int m = 1; m <= layout.etcdMembers(); m++) {
            peers.add(Layout.etcdMemberName(m) + "=" + Layout.etcdMemberPeerUrl(m));
        }
        List<String> cmd = List.of("setsid", "ip", "netns", "exec", layout.etcdMemberNamespace(k), "etcd",
                "--name", name,
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", Layout.etcdMemberClientUrl(k),
                "--advertise-client-urls", Layout.etcdMemberClientUrl(k),
                "--listen-peer-urls", Layout.etcdMemberPeerUrl(k),
                "--initial-advertise-peer-urls", Layout.etcdMemberPeerUrl(k),
                "--initial-cluster", String.join(",", peers),
                "--initial-cluster-state", "new",
                "--initial-cluster-token", layout.prefix() + "etcd",
                "--heartbeat-interval", HEARTBEAT_MS,
                "--election-timeout", ELECTION_MS,
                "--logger", "zap", "--log-outputs", "stderr");
        State.ServiceProcess p = Services.launch(name, SERVICE, cmd, java.util.Map.of(), dir.resolve("etcd.log"));
        p.port = Layout.ETCD_PORT;
        state.etcdMembers.removeIf(old -> old.node.equals(name));
        state.etcdMembers.add(p);
        state.etcdMembers.sort(Comparator.comparingInt(m -> index(m.node)));
        state.save(layout.varDir());
    }

    /**
     * {@code bin/tabby restart --node etcd<k> --service etcd [--kill]}: stops member k (TERM, or kill -9) if it runs,
     * and starts it again on its data; returns what was done, in a line.
     */
    String restart(String memberName, boolean kill) {
        if (state.etcdMembers.isEmpty()) {
            throw new IllegalArgumentException("this testbed uses this host's etcd; bin/tabby up --etcd-members 3 runs members of its own");
        }
        if (!memberName.matches("etcd[1-9]") || index(memberName) > layout.etcdMembers()) {
            throw new IllegalArgumentException("no etcd member \"" + memberName + "\"; use --node etcd1 to etcd" + layout.etcdMembers());
        }
        int k = index(memberName);
        boolean wasRunning = running(k);
        if (wasRunning && kill) {
            kill(k);
        } else if (wasRunning) {
            Services.stop(member(k));
        }
        start(k);
        return "tabby: etcd member " + memberName + (wasRunning ? (kill ? " killed" : " stopped") + " and started again"
                : " was down; started again") + " (pid " + member(k).pid + ")";
    }

    /** kill -9 of member {@code k} by its own PID, as a crashed machine. */
    void kill(int k) {
        State.ServiceProcess p = member(k);
        ProcessHandle.of(p.pid).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        });
    }

    boolean running(int k) {
        return state.etcdMembers.stream().filter(p -> p.node.equals(Layout.etcdMemberName(k))).findFirst()
                .map(p -> ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false)).orElse(false);
    }

    private State.ServiceProcess member(int k) {
        String name = Layout.etcdMemberName(k);
        return state.etcdMembers.stream().filter(p -> p.node.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no etcd member " + name + " in the testbed"));
    }

    private void startHostForwarder() {
        List<String> cmd = new ArrayList<>(List.of("setsid", "java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // This process's own classpath: the testbed's target/lib does not exist yet while its tests run.
                "-cp", System.getProperty("java.class.path"), EtcdHostForwarder.class.getName()));
        List<String> endpoints = new ArrayList<>();
        for (int k = 1; k <= layout.etcdMembers(); k++) {
            int port = freeLoopbackPort();
            cmd.add(port + "=" + Layout.netnsPath(layout.etcdMemberNamespace(k)) + "=" + Layout.etcdMemberAddress(k) + ":"
                    + Layout.ETCD_PORT);
            endpoints.add("http://127.0.0.1:" + port);
        }
        state.etcdHostForwarder = Services.launch("-", HOST_FORWARDER, cmd, java.util.Map.of(), layout.varDir().resolve(HOST_FORWARDER + ".log"));
        state.hostEtcdEndpoints = endpoints;
        state.save(layout.varDir());
        awaitLog(state.etcdHostForwarder, "event=etcd_host_forwarder_listening", layout.etcdMembers());
    }

    /** Client settings for this host: the members through the forwarder, else this host's etcd as before. */
    static EtcdConfig hostConfig(State state) {
        if (state == null || state.hostEtcdEndpoints.isEmpty()) {
            return EtcdConfig.fromEnvironment(System.getenv());
        }
        return EtcdConfig.plain(state.hostEtcdEndpoints.stream().map(URI::create).toArray(URI[]::new));
    }

    /** The value an operator gives bin/tabbyctl on this host. */
    static String hostEndpoints(State state) {
        return String.join(",", state.hostEtcdEndpoints);
    }

    /** One member now: its process, whether it answers, and whether it is the leader. */
    record MemberStatus(String name, String address, long pid, boolean running, boolean answers, boolean leader) {
        String state() {
            return !running ? "down" : !answers ? "not answering" : leader ? "up, leader" : "up";
        }
    }

    /** Asks each running member inside its namespace ({@code etcdctl endpoint status}): its own id and its leader's. */
    static List<MemberStatus> statuses(Layout layout, State state) {
        List<MemberStatus> out = new ArrayList<>();
        for (int k = 1; k <= state.etcdMembers.size(); k++) {
            State.ServiceProcess p = state.etcdMembers.get(k - 1);
            int index = index(p.node);
            boolean running = ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false);
            boolean answers = false;
            boolean leader = false;
            if (running) {
                Shell.Result r = Shell.run(List.of("ip", "netns", "exec", layout.etcdMemberNamespace(index), "etcdctl",
                        "--endpoints=" + Layout.etcdMemberClientUrl(index), "--dial-timeout=1s", "--command-timeout=2s",
                        "endpoint", "status", "-w", "json"), null, 10);
                if (r.ok()) {
                    try {
                        JsonNode status = JSON.readTree(r.out()).path(0).path("Status");
                        // Member ids are uint64: compared as text.
                        String self = status.path("header").path("member_id").asText();
                        String lead = status.path("leader").asText();
                        answers = true;
                        leader = !lead.isEmpty() && !lead.equals("0") && self.equals(lead);
                    } catch (IOException e) {
                        answers = false;
                    }
                }
            }
            out.add(new MemberStatus(p.node, Layout.etcdMemberAddress(index), p.pid, running, answers, leader));
        }
        return out;
    }

    /** The ETCD section of bin/tabby status. */
    static void printTable(PrintWriter out, Layout layout, State state) {
        out.println("ETCD MEMBER  ADDRESS          PID      STATE");
        for (MemberStatus m : statuses(layout, state)) {
            out.printf("%-12s %-16s %-8d %s%n", m.name(), m.address(), m.pid(), m.state());
        }
        out.println("  on this host: TABBY_ETCD_ENDPOINTS=" + hostEndpoints(state) + " bin/tabbyctl ...");
    }

    static void json(ObjectNode root, Layout layout, State state) {
        ArrayNode members = root.putArray("etcdMembers");
        for (MemberStatus m : statuses(layout, state)) {
            ObjectNode o = members.addObject();
            o.put("name", m.name());
            o.put("address", m.address());
            o.put("pid", m.pid());
            o.put("running", m.running());
            o.put("answers", m.answers());
            o.put("leader", m.leader());
        }
        root.put("etcdEndpointsOnThisHost", hostEndpoints(state));
    }

    /** Waits until every member answers and one is the leader. */
    void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<MemberStatus> now = statuses(layout, state);
            if (now.stream().allMatch(MemberStatus::answers) && now.stream().anyMatch(MemberStatus::leader)) {
                return;
            }
            for (MemberStatus m : now) {
                if (!m.running()) {
                    throw new IllegalStateException("etcd member " + m.name() + " exited; see "
                            + layout.etcdMemberDir(index(m.name())).resolve("etcd.log"));
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the etcd members did not elect a leader within " + timeout.toSeconds()
                        + " s (" + now.stream().map(m -> m.name() + " " + m.state()).toList() + "); see their logs under "
                        + layout.varDir().resolve("etcd"));
            }
            TestbedMain.sleep(200);
        }
    }

    /** Waits until {@code p}'s log holds {@code line} {@code times} times (a log is appended to across restarts). */
    static void awaitLog(State.ServiceProcess p, String line, int times) {
        Path log = Path.of(p.log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (Files.exists(log) && Files.readString(log).lines().filter(l -> l.contains(line)).count() >= times) {
                    return;
                }
            } catch (IOException e) {
                // not written yet
            }
            if (!ProcessHandle.of(p.pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException(p.service + " exited at start; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(p.service + " did not start within " + START_TIMEOUT.toSeconds() + " s; see " + log);
            }
            TestbedMain.sleep(50);
        }
    }

    /** k of member "etcd<k>". */
    private static int index(String memberName) {
        return Integer.parseInt(memberName.substring("etcd".length()));
    }

    private static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** Stops the forwarder first (it holds the members' namespaces open), then every member, each by its PID. */
    static void stopAll(State state) {
        Services.stop(state.etcdHostForwarder);
        state.etcdMembers.forEach(Services::stop);
    }

    /** Every process this made, for down's check that nothing is left. */
    static List<State.ServiceProcess> processes(State state) {
        List<State.ServiceProcess> all = new ArrayList<>(state.etcdMembers);
        if (state.etcdHostForwarder != null) {
            all.add(state.etcdHostForwarder);
        }
        return all;
    }
}
