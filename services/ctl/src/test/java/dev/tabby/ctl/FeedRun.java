package dev.tabby.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@code tabbyctl events} / {@code tabbyctl flows} in-process and captures what they print. The environment
 * has no TABBY_KAFKA_BOOTSTRAP unless a test gives one, so the SSE path is the one read.
 */
final class FeedRun {
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private FeedRun() {
    }

    static Result run(String... args) {
        return runWith(Map.of(), args);
    }

    static Result runWith(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        // No etcd is asked by these commands; an endpoint where nothing listens proves it.
        env.put("TABBY_ETCD_ENDPOINTS", "http://127.0.0.1:1");
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Result(code, out.toString(), err.toString());
    }
}
