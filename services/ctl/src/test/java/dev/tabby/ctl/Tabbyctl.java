package dev.tabby.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs tabbyctl in-process against one etcd, capturing what it prints and its exit code. */
final class Tabbyctl {
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private final Map<String, String> env;

    Tabbyctl(String endpoint) {
        this.env = Map.of("TABBY_ETCD_ENDPOINTS", endpoint);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Result(code, out.toString(), err.toString());
    }
}
