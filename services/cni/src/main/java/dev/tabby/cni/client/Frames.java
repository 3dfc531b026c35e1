package dev.tabby.cni.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The launcher client's conversation with the CNI daemon over its Unix socket: one request, one reply, then the
 * connection closes. Deliberately JDK-only and tiny, because every class here is loaded on each plugin call.
 *
 * <pre>
 * request:  magic "TCNI" | u32 version 1 | str plugin | u32 n | n x (str key, str value) | bytes stdin
 * reply:    magic "TCNI" | u32 exit code | bytes stdout | bytes stderr
 * str, bytes: u32 length, then that many bytes (UTF-8 for str)
 * </pre>
 */
public final class Frames {
    static final int MAGIC = 0x54434E49; // "TCNI"
    static final int VERSION = 1;
    /** Nothing a runtime sends comes near this; a bigger length means a confused peer, not a big config. */
    private static final int MAX_FIELD = 16 * 1024 * 1024;

    private Frames() {
    }

    /** What the runtime gave the plugin: which plugin it ran, the CNI_* (and TABBY_*) environment, stdin. */
    public record Request(String plugin, Map<String, String> env, byte[] stdin) {
    }

    /** What the plugin prints and how it exits. */
    public record Reply(int exitCode, byte[] stdout, byte[] stderr) {
        public static Reply of(int exitCode, String stdout, String stderr) {
            return new Reply(exitCode, stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8));
        }

        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }
    }

    public static void writeRequest(OutputStream out, Request r) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        writeBytes(d, r.plugin().getBytes(StandardCharsets.UTF_8));
        d.writeInt(r.env().size());
        for (Map.Entry<String, String> e : r.env().entrySet()) {
            writeBytes(d, e.getKey().getBytes(StandardCharsets.UTF_8));
            writeBytes(d, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        writeBytes(d, r.stdin());
        d.flush();
    }

    public static Request readRequest(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        checkMagic(d.readInt());
        int version = d.readInt();
        if (version != VERSION) {
            throw new IOException("the client speaks protocol version " + version + ", this daemon " + VERSION
                    + "; reinstall the launchers (bin/tabby cni install) so both come from one build");
        }
        String plugin = readString(d);
        int n = d.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("request claims " + n + " environment variables");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            env.put(readString(d), readString(d));
        }
        return new Request(plugin, env, readBytes(d));
    }

    public static void writeReply(OutputStream out, Reply r) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(r.exitCode());
        writeBytes(d, r.stdout());
        writeBytes(d, r.stderr());
        d.flush();
    }

    public static Reply readReply(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        checkMagic(d.readInt());
        int exit = d.readInt();
        byte[] stdout = readBytes(d);
        return new Reply(exit, stdout, readBytes(d));
    }

    private static void checkMagic(int magic) throws IOException {
        if (magic != MAGIC) {
            throw new IOException(String.format("not a Tabby CNI frame (magic 0x%08x)", magic));
        }
    }

    private static void writeBytes(DataOutputStream d, byte[] b) throws IOException {
        d.writeInt(b.length);
        d.write(b);
    }

    private static String readString(DataInputStream d) throws IOException {
        return new String(readBytes(d), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream d) throws IOException {
        int len = d.readInt();
        if (len < 0 || len > MAX_FIELD) {
            throw new IOException("frame field of " + len + " bytes");
        }
        byte[] b = new byte[len];
        d.readFully(b);
        return b;
    }
}
