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

    private OnNode() {
    }

    /** {@code command} wrapped to run on the node whose namespace is {@code netns} and whose files are under {@code nodeDir}. */
    static List<String> command(String netns, Path nodeDir, List<String> command) {
        Path run = nodeDir.resolve("run");
        Path lib = nodeDir.resolve("lib");
        try {
            // The mount points on this host, and the node's own directories bound over them.
            Files.createDirectories(RUN_DIR);
            Files.createDirectories(LIB_DIR);
            Files.createDirectories(run);
            Files.createDirectories(lib);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + nodeDir + " for the node's files", e);
        }
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", netns, "sh", "-c",
                "mount --bind \"$1\" " + RUN_DIR + " && mount --bind \"$2\" " + LIB_DIR + " && shift 2 && exec \"$@\"",
                "on-node", run.toString(), lib.toString()));
        out.addAll(command);
        return out;
    }

    /** The node's view of a file under its /var/lib/tabby. */
    static Path libFile(Path nodeDir, String name) {
        return nodeDir.resolve("lib").resolve(name);
    }
}
