package dev.tabby.testbed;

import dev.tabby.events.kafka.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/tabby up --kafka}: a single-node KRaft broker for the testbed (Maven Central's kafka_2.13, run by
 * {@link KafkaBroker} as a process of its own, data and log in {@code var/testbed/kafka}) on a free port of this
 * host's loopback, reached from every node through {@link KafkaNodeForwarder}; every node service is given
 * {@code TABBY_KAFKA_BOOTSTRAP=127.0.0.1:<port>}.
 */
final class TestbedKafka {
    static final String SERVICE = "kafka";
    static final String FORWARDER = "kafka-forwarder";

    private final Layout layout;
    private final State state;

    TestbedKafka(Layout layout, State state) {
        this.layout = layout;
        this.state = state;
    }

    /** Starts the broker and the nodes' forwarder; call after the nodes' namespaces exist, before their services. */
    void start() {
        state.kafkaPort = freePort();
        startBroker();
        List<String> cmd = new ArrayList<>(List.of("setsid", "java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), KafkaNodeForwarder.class.getName(), Integer.toString(state.kafkaPort)));
        for (State.NodeInfo n : state.nodes) {
            cmd.add(Layout.netnsPath(layout.nodeNamespace(n.name)).toString());
        }
        state.kafkaForwarder = Services.launch("-", FORWARDER, cmd, Map.of(), layout.varDir().resolve(FORWARDER + ".log"));
        state.save(layout.varDir());
        EtcdMembers.awaitLog(state.kafkaForwarder, "event=kafka_node_forwarder_listening", state.nodes.size());
    }

    /** The broker again, on its port with its topics: after a kill, or a restart ({@code bin/tabby restart --service kafka}). */
    String restart(boolean kill) {
        if (state.kafka == null) {
            throw new IllegalArgumentException("this testbed has no Kafka; start it with bin/tabby up --kafka");
        }
        boolean wasRunning = kill ? KafkaBroker.killPid(state.kafka.pid) : KafkaBroker.stopPid(state.kafka.pid);
        startBroker();
        return "tabby: kafka " + (wasRunning ? (kill ? "killed" : "stopped") + " and started again" : "was down; started again")
                + " (pid " + state.kafka.pid + ", bootstrap " + bootstrap(state) + ")";
    }

    private void startBroker() {
        KafkaBroker broker = KafkaBroker.startDetached(dir(), state.kafkaPort);
        State.ServiceProcess p = new State.ServiceProcess();
        p.node = "-";
        p.service = SERVICE;
        p.pid = broker.pid();
        p.port = state.kafkaPort;
        p.log = broker.logFile().toString();
        state.kafka = p;
        state.save(layout.varDir());
    }

    private Path dir() {
        return layout.varDir().resolve(SERVICE);
    }

    /** Stops the forwarder and the broker, each by its PID. */
    static void stop(State state) {
        Services.stop(state.kafkaForwarder);
        if (state.kafka != null) {
            KafkaBroker.stopPid(state.kafka.pid);
        }
    }

    /** What the nodes' services and tabbyctl on this host are given, or null without --kafka. */
    static String bootstrap(State state) {
        return state.kafka == null ? null : "127.0.0.1:" + state.kafkaPort;
    }

    static List<State.ServiceProcess> processes(State state) {
        List<State.ServiceProcess> all = new ArrayList<>();
        if (state.kafka != null) {
            all.add(state.kafka);
        }
        if (state.kafkaForwarder != null) {
            all.add(state.kafkaForwarder);
        }
        return all;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for the testbed's Kafka", e);
        }
    }
}
