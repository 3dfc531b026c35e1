package dev.tabby.cni.plugin;

import dev.tabby.cni.client.Frames;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plugin run inside the launcher's own JVM, when no daemon listens: the client finds this class by name. One
 * call, one etcd connection, closed on the way out. Logs go to stderr (the runtime keeps stdout for the result),
 * at the configuration's log_level, default warning.
 */
public final class InProcess {
    private static final Pattern LOG_LEVEL = Pattern.compile("\"log_level\"\\s*:\\s*\"([a-zA-Z]+)\"");

    private InProcess() {
    }

    public static Frames.Reply run(Frames.Request request) {
        configureLogging(new String(request.stdin(), java.nio.charset.StandardCharsets.UTF_8));
        try (Datastores datastores = new Datastores()) {
            return new Plugins(new PluginContext(datastores, System.getenv())).handle(request);
        }
    }

    private static void configureLogging(String stdin) {
        Matcher m = LOG_LEVEL.matcher(stdin);
        LogSetup.configure(m.find() ? m.group(1) : null, "warning");
    }
}
