package dev.tabby.testbed;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Registers each node as calico-node's start-up does: {@code tabbyctl node register} run on the node itself, so it
 * detects the node's address from the node's own interfaces and writes the Node (and the cluster defaults) to etcd
 * over the network.
 */
final class Registration {
    private final Path root;
    private final Layout layout;

    /** Under --runtime podman, the containers' runner and the node's ${...} values; else null. */
    private final ContainerServices containers;
    private final java.util.function.Function<String, java.util.Map<String, String>> variables;

    Registration(Path root, Layout layout) {
        this(root, layout, null, null);
    }

    Registration(Path root, Layout layout, ContainerServices containers,
                 java.util.function.Function<String, java.util.Map<String, String>> variables) {
        this.root = root;
        this.layout = layout;
        this.containers = containers;
        this.variables = variables;
    }

    /** Registers every node (in parallel: each is a JVM start); returns what tabbyctl said, node by node. */
    List<String> registerAll(List<State.NodeInfo> nodes) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(4, Math.max(1, nodes.size())));
        try {
            List<Future<Shell.Result>> runs = new ArrayList<>();
            for (State.NodeInfo n : nodes) {
                runs.add(pool.submit(() -> register(n.name)));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Shell.Result r = runs.get(i).get();
                if (!r.ok()) {
                    throw new IllegalStateException("tabbyctl node register on " + nodes.get(i).name + " failed: "
                            + Workloads.firstLine(r));
                }
                r.out().lines().filter(l -> !l.isBlank()).forEach(l -> out.add(l.strip()));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering the nodes", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("registering the nodes: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Shell.Result register(String node) {
        List<String> options = List.of("--ip", "autodetect", "--ip-autodetection-method", "interface=eth0",
                "--default-pool-cidr", Layout.POOL_CIDR, "--default-pool-block-size", "26",
                "--default-pool-ipip-mode", layout.mode().ipipMode, "--default-pool-vxlan-mode", layout.mode().vxlanMode);
        if (containers != null) {
            // The chart's node-register init container: the ctl image, its node name and etcd from the environment.
            return containers.runToCompletion("node-register", node, variables.apply(node), options);
        }
        Path ctl = root.resolve("services/ctl");
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", ctl.resolve("target/classes") + File.pathSeparator + ctl.resolve("target/lib") + "/*",
                "dev.tabby.ctl.Main", "--etcd-endpoints", layout.etcdEndpointFromNodes(), "node", "register", "--name", node));
        cmd.addAll(options);
        return Shell.run(OnNode.command(layout.nodeNamespace(node), layout.nodeDir(node), cmd), null, 120);
    }
}
