package dev.tabby.renderer.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A poor man's sampling profiler for one thread: every millisecond while running, it takes the thread's stack and
 * counts, per method, the samples it was on top of the stack ("self") and the samples it was anywhere on it
 * ("total"). Waiting for an external tool shows as the process-wait frames, so the split between Tabby's own work and
 * the kernel tools is visible too. Safepoint bias makes it approximate; it only has to say where the time goes.
 */
final class Sampler implements AutoCloseable {
    private final Thread target;
    private final Thread sampler;
    private final Map<String, Integer> self = new HashMap<>();
    private final Map<String, Integer> total = new HashMap<>();
    private volatile boolean running = true;
    private int samples;

    Sampler(Thread target) {
        this.target = target;
        this.sampler = new Thread(this::loop, "tabby-bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            StackTraceElement[] stack = target.getStackTrace();
            if (stack.length > 0) {
                synchronized (this) {
                    samples++;
                    self.merge(frame(stack[0]), 1, Integer::sum);
                    Set<String> seen = new HashSet<>();
                    for (StackTraceElement e : stack) {
                        String f = frame(e);
                        if (seen.add(f)) {
                            total.merge(f, 1, Integer::sum);
                        }
                    }
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String frame(StackTraceElement e) {
        String cls = e.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + e.getMethodName();
    }

    /** The {@code n} heaviest methods by self and by total samples, as percentages. */
    synchronized String report(int n) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "profile: %d samples%n", samples));
        b.append("  self:\n");
        top(self, n, b);
        b.append("  total (tabby frames):\n");
        Map<String, Integer> ours = new HashMap<>();
        total.forEach((f, c) -> {
            if (!f.startsWith("Sampler") && !f.startsWith("PolicyBench") && isTabby(f)) {
                ours.put(f, c);
            }
        });
        top(ours, n, b);
        return b.toString();
    }

    private boolean isTabby(String frame) {
        return TABBY_CLASSES.stream().anyMatch(frame::startsWith);
    }

    /** Simple names of the classes worth showing in the inclusive view (the renderer, policy and driver code). */
    private static final java.util.List<String> TABBY_CLASSES = java.util.List.of("PolicyManager.", "PolicyState.",
            "Layout.", "ActivePolicies.", "PolicyResolver.", "IpSetIndex.", "IpSetItem.", "PolicyProgram.",
            "RuleRenderer.", "EndpointChains.", "WorkloadDispatch.", "InterfaceDispatch.", "IptablesTable.",
            "RuleHashes.", "SavedTable.", "IpsetDriver.", "IpSet.", "CommandRunner.", "EndpointLabels.",
            "Selector.", "RuleConverter.", "IptRule.", "TimedRunner.", "DataplaneChanges.");

    private void top(Map<String, Integer> counts, int n, StringBuilder b) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .forEach(e -> b.append(String.format(Locale.ROOT, "    %5.1f%% %s%n",
                        100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
