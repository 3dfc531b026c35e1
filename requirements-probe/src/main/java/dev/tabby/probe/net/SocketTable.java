package dev.tabby.probe.net;

import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.HostRoot;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sockets of the probed host's network namespace, from /proc/net/tcp, tcp6, udp and udp6: listening TCP sockets
 * (state 0A) and bound UDP sockets, with the inode that ties each to a process.
 */
public final class SocketTable {
    private static final int TCP_LISTEN = 0x0A;

    /** One socket; {@code inode} 0 means the kernel holds it (a VXLAN device's UDP socket, say). */
    public record Socket(String file, String address, int port, int state, long inode) {
    }

    private final List<Socket> sockets;
    private final List<String> problems;

    /** True when no table could be read: nothing about the ports was observed. */
    public boolean unreadable() {
        return !anyRead;
    }

    private final boolean anyRead;

    private SocketTable(List<Socket> sockets, List<String> problems, boolean anyRead) {
        this.sockets = sockets;
        this.problems = problems;
        this.anyRead = anyRead;
    }

    /** The sockets of the namespace this process runs in ({@link HostRoot#network()}). */
    public static SocketTable read(HostRoot root) {
        HostRoot host = root.network();
        List<Socket> sockets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean anyRead = false;
        for (String name : List.of("tcp", "tcp6", "udp", "udp6")) {
            FileText f = host.read("/proc/net/" + name);
            // tcp6 and udp6 are absent when IPv6 is off; tcp and udp are always there in a Linux /proc.
            if (f.unreadable() || (f.missing() && !name.endsWith("6"))) {
                problems.add(f.describe());
                continue;
            }
            anyRead |= f.ok();
            for (String line : f.lines()) {
                parse(name, line).ifPresent(sockets::add);
            }
        }
        return new SocketTable(List.copyOf(sockets), List.copyOf(problems), anyRead);
    }

    static Optional<Socket> parse(String file, String line) {
        String[] w = line.trim().split("\\s+");
        if (w.length < 10 || !w[0].endsWith(":")) {
            return Optional.empty();
        }
        try {
            String[] local = w[1].split(":");
            if (local.length != 2) {
                return Optional.empty();
            }
            int port = Integer.parseInt(local[1], 16);
            int state = Integer.parseInt(w[3], 16);
            long inode = Long.parseLong(w[9]);
            return Optional.of(new Socket(file, address(local[0]), port, state, inode));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The kernel prints addresses as little-endian 32-bit words in hex. */
    static String address(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            return hex;
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            return bytes.length == 16 ? "[" + text + "]" : text;
        } catch (UnknownHostException e) {
            return hex;
        }
    }

    /** TCP sockets listening on the port (IPv4 and IPv6). */
    public List<Socket> tcpListeners(int port) {
        return sockets.stream().filter(s -> s.file.startsWith("tcp") && s.state == TCP_LISTEN && s.port == port).toList();
    }

    /** UDP sockets bound to the port (IPv4 and IPv6). */
    public List<Socket> udpBound(int port) {
        return sockets.stream().filter(s -> s.file.startsWith("udp") && s.port == port).toList();
    }

    /** Files that could not be read, as {@code /proc/net/tcp is unreadable (...)}. */
    public List<String> problems() {
        return problems;
    }
}
