package dev.tabby.netlink.nflog;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, a client ({@code va}: 10.77.0.1, fd77::1) and a server ({@code vb}:
 * 10.77.0.2, fd77::2), with Java sockets made inside them on namespace threads. Everything goes with the
 * namespaces, which the {@link NamespaceExtension} deletes after each test.
 */
final class TwoHosts implements AutoCloseable {
    static final String CLIENT_V4 = "10.77.0.1";
    static final String SERVER_V4 = "10.77.0.2";
    static final String CLIENT_V6 = "fd77::1";
    static final String SERVER_V6 = "fd77::2";

    final TestNamespace client;
    final TestNamespace server;
    private final NetnsThread clientThread;
    private final NetnsThread serverThread;

    TwoHosts(NamespaceExtension netns) {
        client = netns.create();
        server = netns.create();
        client.ip("link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", server.name());
        client.ip("addr", "add", CLIENT_V4 + "/24", "dev", "va");
        client.ip("addr", "add", CLIENT_V6 + "/64", "dev", "va", "nodad");
        server.ip("addr", "add", SERVER_V4 + "/24", "dev", "vb");
        server.ip("addr", "add", SERVER_V6 + "/64", "dev", "vb", "nodad");
        client.ip("link", "set", "va", "up");
        server.ip("link", "set", "vb", "up");
        try {
            clientThread = NetnsThread.enter(client.path());
            serverThread = NetnsThread.enter(server.path());
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot enter the test namespaces: " + e.getMessage(), e);
        }
    }

    /** The server side's ifindex of vb, as NFLOG reports the input interface. */
    int serverIfindex() {
        String line = server.ip("-o", "link", "show", "vb");
        return Integer.parseInt(line.substring(0, line.indexOf(':')).strip());
    }

    /** {@code iptables ARGS} (or ip6tables) inside the server namespace. */
    void serverIptables(boolean v6, String... args) {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = server.name();
        cmd[4] = v6 ? "ip6tables" : "iptables";
        System.arraycopy(args, 0, cmd, 5, args.length);
        Cmd.run(cmd);
    }

    /** One ICMP echo from client to server. */
    void ping(String dst) {
        Cmd.run("ip", "netns", "exec", client.name(), "ping", "-c", "1", "-W", "5", dst);
    }

    /** {@code count} UDP datagrams of {@code size} bytes from the client's port to the server; returns that port. */
    int sendUdp(String dst, int dstPort, int size, int count) {
        return inClient(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
                byte[] data = new byte[size];
                for (int i = 0; i < count; i++) {
                    s.send(new DatagramPacket(data, size, InetAddress.getByName(dst), dstPort));
                }
                return s.getLocalPort();
            }
        });
    }

    /** As {@link #sendUdp} from the client's port {@code srcPort}: the same five-tuple again. */
    void sendUdpFrom(int srcPort, String dst, int dstPort, int size, int count) {
        inClient(() -> {
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(srcPort));
                byte[] data = new byte[size];
                for (int i = 0; i < count; i++) {
                    s.send(new DatagramPacket(data, size, InetAddress.getByName(dst), dstPort));
                }
                return null;
            }
        });
    }

    /** A TCP listener in the server namespace; serve it with {@link #tcpExchange}. */
    ServerSocket listen(String address, int port) {
        return inServer(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return s;
        });
    }

    /**
     * One TCP connection from the client to {@code listener}: the client sends {@code up} bytes, the server answers
     * {@code down} bytes, the client closes first, the server then. Returns the client's source port.
     */
    int tcpExchange(ServerSocket listener, String dst, int up, int down) {
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try (Socket c = listener.accept()) {
                readFully(c.getInputStream(), up);
                c.getOutputStream().write(new byte[down]);
                c.getOutputStream().flush();
                c.getInputStream().read(); // wait for the client's FIN
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        int port = inClient(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(dst), listener.getLocalPort()), 5_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(new byte[up]);
                out.flush();
                readFully(s.getInputStream(), down);
                return s.getLocalPort();
            }
        });
        served.orTimeout(20, TimeUnit.SECONDS).join();
        return port;
    }

    private static void readFully(InputStream in, int n) throws IOException {
        int got = 0;
        byte[] buf = new byte[4096];
        while (got < n) {
            int r = in.read(buf, 0, Math.min(buf.length, n - got));
            if (r < 0) {
                throw new IOException("connection closed after " + got + " of " + n + " bytes");
            }
            got += r;
        }
    }

    @FunctionalInterface
    interface IoTask<T> {
        T run() throws IOException;
    }

    <T> T inClient(IoTask<T> task) {
        return in(clientThread, task);
    }

    <T> T inServer(IoTask<T> task) {
        return in(serverThread, task);
    }

    private static <T> T in(NetnsThread thread, IoTask<T> task) {
        try {
            return thread.call(() -> {
                try {
                    return task.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (ErrnoException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Ends the namespace threads (the namespaces themselves go with the extension). */
    @Override
    public void close() {
        clientThread.close();
        serverThread.close();
    }
}
