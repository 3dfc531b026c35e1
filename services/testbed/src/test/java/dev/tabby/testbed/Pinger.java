package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ping running in a workload's namespace while something changes under it (every 0.2 s), then asked for its
 * summary (SIGINT, as a person presses Ctrl-C): a lost echo shows a moment with no route.
 */
final class Pinger {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private final Process process;
    private final String what;

    private Pinger(Process process, String what) {
        this.process = process;
        this.what = what;
    }

    static Pinger start(TestNamespace from, IpAddress to) throws IOException {
        List<String> cmd = List.of("ip", "netns", "exec", from.name(), "ping", "-i", "0.2", "-w", "900", to.toString());
        return new Pinger(new ProcessBuilder(cmd).redirectErrorStream(true).start(), "ping from " + from.name() + " to " + to);
    }

    /** Stops the ping and asserts that it sent a fair number of echoes and every one was answered. */
    void assertNoneLost() throws Exception {
        // ip netns exec execs ping, so this PID is ping's own.
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(what + " did not stop on SIGINT");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), what + " printed no summary:\n" + out);
        long sent = Long.parseLong(m.group(1));
        assertTrue(sent >= 10, what + " ran long enough to see the change: " + m.group());
        assertEquals(sent, Long.parseLong(m.group(2)), what + ": every echo answered, no moment without a route:\n"
                + out.lines().filter(l -> !l.contains("bytes from")).reduce("", (a, b) -> a + b + "\n"));
    }
}
