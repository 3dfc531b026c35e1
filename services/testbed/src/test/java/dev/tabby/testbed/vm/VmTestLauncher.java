package dev.tabby.testbed.vm;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs JUnit tests inside the VM, where Maven must not run (Java is 20-50 times slower there): the built test classes
 * on the classpath the host's surefire used, selected by class or {@code class#method}, classes in their
 * {@code @Order}. Prints each failure and a last line {@code VM-TESTS found=N succeeded=N failed=N skipped=N};
 * exits 0 only when tests ran and none failed.
 */
public final class VmTestLauncher {
    private VmTestLauncher() {
    }

    public static void main(String[] args) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String a : args) {
            selectors.add(a.contains("#") ? selectMethod(a) : selectClass(a));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .configurationParameter("junit.jupiter.testclass.order.default",
                        "org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 25);
        s.printTo(out);
        out.printf("VM-TESTS found=%d succeeded=%d failed=%d skipped=%d%n", s.getTestsFoundCount(),
                s.getTestsSucceededCount(), s.getTotalFailureCount(), s.getTestsSkippedCount() + s.getTestsAbortedCount());
        out.flush();
        System.exit(s.getTestsFoundCount() > 0 && s.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
