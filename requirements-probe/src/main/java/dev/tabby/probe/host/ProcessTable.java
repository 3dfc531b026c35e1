package dev.tabby.probe.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of the probed host, from {@code /proc/<pid>/comm} and {@code cmdline}, and which of them owns a
 * socket (by the inode {@code /proc/net/tcp} shows, found among {@code /proc/<pid>/fd/*} links). Fixture roots can
 * provide the same files, fd links included.
 */
public final class ProcessTable {
    private static final java.util.regex.Pattern SERVICE_JAR = java.util.regex.Pattern.compile(
            "/(bgp-speaker|ipip-manager|vxlan-manager|policy-renderer|requirements-probe)/\\S*quarkus-run\\.jar");
    /** One process; {@code commandLine} has its NUL-separated arguments joined by spaces. */
    public record Proc(int pid, String comm, String commandLine) {
        /**
         * Tabby's own services run as {@code java ... dev.tabby....} from {@code tabby-*} jars or directories, or as
         * {@code java -jar .../<service>/.../quarkus-run.jar} from the service's own directory.
         */
        public boolean isTabby() {
            return commandLine.contains("dev.tabby.") || commandLine.contains("tabby-") || comm.startsWith("tabby")
                    || SERVICE_JAR.matcher(commandLine).find();
        }

        public String describe() {
            return comm + " (pid " + pid + ")";
        }
    }

    private final HostRoot host;
    private final List<Proc> procs;
    private Map<Long, Proc> socketOwners;

    private ProcessTable(HostRoot host, List<Proc> procs) {
        this.host = host;
        this.procs = procs;
    }

    public static ProcessTable read(HostRoot host) {
        List<Proc> procs = new ArrayList<>();
        for (String name : host.list("/proc").names()) {
            if (!name.chars().allMatch(Character::isDigit) || name.length() > 9) {
                continue;
            }
            FileText comm = host.read("/proc/" + name + "/comm");
            if (!comm.ok()) {
                continue;
            }
            FileText cmdline = host.read("/proc/" + name + "/cmdline");
            String args = cmdline.text().map(s -> s.replace('\0', ' ').trim()).orElse("");
            procs.add(new Proc(Integer.parseInt(name), comm.content().trim(), args));
        }
        return new ProcessTable(host, List.copyOf(procs));
    }

    public List<Proc> all() {
        return procs;
    }

    /** Processes whose comm is exactly {@code comm} (the kernel cuts comm at 15 characters). */
    public List<Proc> named(String comm) {
        String cut = comm.length() > 15 ? comm.substring(0, 15) : comm;
        return procs.stream().filter(p -> p.comm.equals(cut)).toList();
    }

    /** The process holding the socket with this inode, when the fd links can be read. */
    public synchronized Optional<Proc> socketOwner(long inode) {
        if (socketOwners == null) {
            socketOwners = new HashMap<>();
            for (Proc p : procs) {
                String fdDir = "/proc/" + p.pid + "/fd";
                for (String fd : host.list(fdDir).names()) {
                    host.readLink(fdDir + "/" + fd).ifPresent(target -> {
                        if (target.startsWith("socket:[") && target.endsWith("]")) {
                            try {
                                socketOwners.putIfAbsent(Long.parseLong(target.substring(8, target.length() - 1)), p);
                            } catch (NumberFormatException ignored) {
                                // not a socket link after all
                            }
                        }
                    });
                }
            }
        }
        return Optional.ofNullable(socketOwners.get(inode));
    }
}
