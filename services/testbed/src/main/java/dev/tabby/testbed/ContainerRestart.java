package dev.tabby.testbed;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code bin/tabby restart} of a service that runs as a container. With {@code --kill} its main process gets SIGKILL,
 * as a crash would, and podman's restart policy brings the container back (the kubelet would, for a pod); without,
 * {@code podman restart} stops it cleanly (SIGTERM) and starts it again.
 */
final class ContainerRestart {
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);

    private ContainerRestart() {
    }

    static void run(Layout layout, State.ServiceProcess p, boolean kill) {
        long before = ContainerServices.mainPid(p.container);
        if (kill) {
            if (before <= 0) {
                throw new IllegalStateException(p.container + " is not running: nothing to kill; see " + p.log);
            }
            ProcessHandle.of(before).ifPresent(ProcessHandle::destroyForcibly);
        } else {
            Shell.Result r = Shell.run(List.of("podman", "restart", "-t", "10", p.container), null, 60);
            if (!r.ok()) {
                throw new IllegalStateException("podman restart " + p.container + " failed: " + Workloads.firstLine(r));
            }
        }
        Instant deadline = Instant.now().plus(RESTART_TIMEOUT);
        while (true) {
            long now = ContainerServices.mainPid(p.container);
            if (now > 0 && now != before) {
                p.pid = now;
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(p.container + " did not come back within " + RESTART_TIMEOUT.toSeconds()
                        + " s; see " + p.log + " and podman ps -a");
            }
            TestbedMain.sleep(200);
        }
    }
}
