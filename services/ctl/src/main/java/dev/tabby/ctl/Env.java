package dev.tabby.ctl;

import java.util.Map;

/**
 * The environment an invocation sees. {@link Main#run} sets it per thread, so tests can run tabbyctl with
 * their own TABBY_* variables without touching the JVM's.
 */
public final class Env {
    private static final ThreadLocal<Map<String, String>> CURRENT = ThreadLocal.withInitial(System::getenv);

    private Env() {
    }

    static void set(Map<String, String> env) {
        CURRENT.set(env);
    }

    public static Map<String, String> get() {
        return CURRENT.get();
    }
}
