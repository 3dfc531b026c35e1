package dev.tabby.datastore.status;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Which node this process speaks for: TABBY_NODENAME, else the host name, as calico-node decides it. */
public final class NodeName {
    public static final String VARIABLE = "TABBY_NODENAME";

    private NodeName() {
    }

    public static String resolve(Map<String, String> env) {
        String fromEnv = env.get(VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!host.isEmpty()) {
                return host;
            }
        } catch (IOException e) {
            // fall through to the JVM's idea of the host name
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new IllegalStateException("cannot tell this node's name: set " + VARIABLE, e);
        }
    }
}
