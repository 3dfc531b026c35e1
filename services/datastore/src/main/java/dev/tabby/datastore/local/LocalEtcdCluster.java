package dev.tabby.datastore.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.EtcdConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * An etcd cluster of N members on 127.0.0.1, for tests that take members away: each member is a {@link LocalEtcd}
 * with its own client and peer ports and data dir under one directory, so a member is stopped, killed and started
 * again by its own PID exactly as a single etcd is. Elections are fast (heartbeat 100 ms, election timeout 1 s) so a
 * killed leader is replaced within about a second. {@link #close()} stops every member and deletes the directory.
 */
public final class LocalEtcdCluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEtcdCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEARTBEAT_MILLIS = 100;
    private static final int ELECTION_MILLIS = 1000;
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final List<LocalEtcd> members;

    private LocalEtcdCluster(Path dir, List<LocalEtcd> members) {
        this.dir = dir;
        this.members = List.copyOf(members);
    }

    /**
     * Starts {@code size} members (odd, 1..7) with their data in {@code dir}/member-i and returns once every member
     * answers a health check, i.e. once the cluster has a leader.
     */
    public static LocalEtcdCluster start(Path dir, int size) {
        if (size < 1 || size > 7 || size % 2 == 0) {
            throw new IllegalArgumentException("an etcd cluster of " + size + " members; use an odd number from 1 to 7");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            LocalEtcdCluster cluster = new LocalEtcdCluster(dir, members(dir, size));
            try {
                cluster.members.forEach(LocalEtcd::launch);
                cluster.members.forEach(LocalEtcd::awaitHealthy);
                LOG.infof("event=etcd_cluster_started members=%d endpoints=%s", size, cluster.clientConfig().endpointsText());
                return cluster;
            } catch (RuntimeException e) {
                cluster.close(); // whatever failed (no etcd binary, a member that exits), nothing is left running
                // Ports are picked before etcd binds them: only a lost race is worth another try.
                if (!(e instanceof IllegalStateException) || !String.valueOf(e.getMessage()).contains("address already in use")) {
                    throw e;
                }
                last = (IllegalStateException) e;
            }
        }
        throw last;
    }

    private static List<LocalEtcd> members(Path dir, int size) {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < 2 * size) {
            ports.add(FreePorts.pick());
        }
        List<Integer> picked = new ArrayList<>(ports);
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            peers.add(memberName(i) + "=http://127.0.0.1:" + picked.get(2 * i + 1));
        }
        String initialCluster = String.join(",", peers);
        String token = "tabby-cluster-" + picked.get(1);
        List<LocalEtcd> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(LocalEtcd.builder(dir.resolve(memberName(i)))
                    .name(memberName(i))
                    .timing(HEARTBEAT_MILLIS, ELECTION_MILLIS)
                    .member(new LocalEtcd.Membership(picked.get(2 * i), picked.get(2 * i + 1), initialCluster, token))
                    .build());
        }
        return out;
    }

    private static String memberName(int i) {
        return "member-" + (i + 1);
    }

    public int size() {
        return members.size();
    }

    /** Member {@code i} (0-based); stop, kill and start it through {@link LocalEtcd}'s own methods. */
    public LocalEtcd member(int i) {
        return members.get(i);
    }

    public List<LocalEtcd> members() {
        return members;
    }

    /** Client settings naming every member, as a service of a real cluster is given them. */
    public EtcdConfig clientConfig() {
        return EtcdConfig.plain(members.stream().map(LocalEtcd::endpoint).toArray(URI[]::new));
    }

    /** etcdctl bound to the first running member, for reads that compare with what our client saw. */
    public Etcdctl etcdctl() {
        return members.stream().filter(LocalEtcd::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no member of the etcd cluster is running"))
                .etcdctl();
    }

    /**
     * The member that is leader now, as the running members report it ({@code etcdctl endpoint status}: a member
     * names its own id and its leader's); empty while there is none (an election, or no quorum).
     */
    public Optional<LocalEtcd> leader() {
        for (LocalEtcd m : members) {
            if (!m.isRunning()) {
                continue;
            }
            Etcdctl.Result r = m.etcdctl().tryRun(Duration.ofSeconds(3), "endpoint", "status", "-w", "json");
            if (!r.ok()) {
                continue;
            }
            try {
                JsonNode status = JSON.readTree(r.output()).path(0).path("Status");
                // Member ids are uint64: compare them as text, not as (overflowing) longs.
                String self = status.path("header").path("member_id").asText();
                String leader = status.path("leader").asText();
                if (!leader.isEmpty() && !leader.equals("0") && self.equals(leader)) {
                    return Optional.of(m);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse etcdctl endpoint status of " + m.name(), e);
            }
        }
        return Optional.empty();
    }

    /** Waits up to {@code timeout} for a leader; fails with the members' states if none is elected. */
    public LocalEtcd awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<LocalEtcd> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no etcd leader within " + timeout.toMillis() + " ms; running members: "
                        + members.stream().filter(LocalEtcd::isRunning).map(LocalEtcd::name).toList());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an etcd leader", e);
            }
        }
    }

    /** A member that is running and not the leader. */
    public LocalEtcd aFollower() {
        LocalEtcd leader = awaitLeader(Duration.ofSeconds(10));
        return members.stream().filter(m -> m != leader && m.isRunning()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no running follower"));
    }

    /** Stops every member by its PID and deletes the cluster's directory. */
    @Override
    public void close() {
        members.forEach(LocalEtcd::stop);
        LocalEtcd.deleteQuietly(dir); // the members' data dirs and logs are all in it
    }
}
