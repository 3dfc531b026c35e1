package dev.tabby.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command as it runs on one testbed node: inside the node's network namespace, with the node's own
 * {@code /run/tabby} and {@code /var/lib/tabby}, so Tabby's processes use their production defaults (the CNI socket
 * {@code /run/tabby/cni.sock}, the MTU file {@code /var/lib/tabby/mtu}) exactly as on a real host, where a DaemonSet
 * mounts those host paths.
 *
 * <p>{@code ip netns exec} already gives the command a mount namespace of its own whose mounts do not propagate back
 * to this host; the node's directories are bind-mounted over the two paths there, and then the command is exec'd,
 * so its PID is the one this returns.
 */
final class OnNode {
    static final Path RUN_DIR = Path.of("/run/tabby");
    static final Path LIB_DIR = Path.of("/var/lib/tabby");
    static final Path CNI_BIN_DIR = Path.of("/opt/cni/bin");
    static final Path CNI_CONF_DIR = Path.of("/etc/cni/net.d");

    private OnNode() {
    }

    /** {@code command} wrapped to run on the node whose namespace is {@code netns} and whose files are under {@code nodeDir}. */
    static List<String> command(String netns, Path nodeDir, List<String> command) {
        return command(netns, nodeDir, command, false);
    }

    /**
     * As {@link #command(String, Path, List)}; with {@code cniDirs} the node's own /opt/cni/bin and /etc/cni/net.d
     * too, where the cni image's installer put the plugins (whose launchers name their jars by those paths).
     */
    static List<String> command(String netns, Path nodeDir, List<String> command, boolean cniDirs) {
        List<Path[]> binds = new ArrayList<>(List.of(new Path[] {nodeDir.resolve("run"), RUN_DIR},
                new Path[] {nodeDir.resolve("lib"), LIB_DIR}));
        if (cniDirs) {
            binds.add(new Path[] {nodeDir.resolve("cni-bin"), CNI_BIN_DIR});
            binds.add(new Path[] {nodeDir.resolve("cni-conf"), CNI_CONF_DIR});
        }
        StringBuilder script = new StringBuilder();
        List<String> args = new ArrayList<>();
        try {
            for (Path[] b : binds) {
                // The mount point on this host, and the node's own directory bound over it.
                Files.createDirectories(b[1]);
                Files.createDirectories(b[0]);
                args.add(b[0].toString());
                script.append("mount --bind \"$").append(args.size()).append("\" ").append(b[1]).append(" && ");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + nodeDir + " for the node's files", e);
        }
        script.append("shift ").append(args.size()).append(" && exec \"$@\"");
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", netns, "sh", "-c", script.toString(), "on-node"));
        out.addAll(args);
        out.addAll(command);
        return out;
    }

    /** The node's view of a file under its /var/lib/tabby. */
    static Path libFile(Path nodeDir, String name) {
        return nodeDir.resolve("lib").resolve(name);
    }
}
