package dev.tabby.netlink.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that deletes, after each test, every namespace it made, whether the test passed or not:
 * <pre>{@code @RegisterExtension final NamespaceExtension netns = new NamespaceExtension();
 * TestNamespace ns = netns.create();}</pre>
 */
public final class NamespaceExtension implements AfterEachCallback {
    private final List<TestNamespace> created = new ArrayList<>();

    public synchronized TestNamespace create() {
        TestNamespace ns = TestNamespace.create();
        created.add(ns);
        return ns;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        for (TestNamespace ns : created) {
            ns.close();
        }
        created.clear();
    }
}
