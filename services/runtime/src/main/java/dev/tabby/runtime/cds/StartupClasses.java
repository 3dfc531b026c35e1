package dev.tabby.runtime.cds;

import io.quarkus.runtime.annotations.StaticInitSafe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Puts the classes a service loads after start-up into its AppCDS archive. Quarkus makes the archive from a run that
 * stops before the service starts (its generation mode), so on its own it holds only the classes of Quarkus' boot:
 * measured, a service then still loads ~4,500 classes from its jars on every start (the etcd client's gRPC and Netty,
 * Jackson, Vert.x, Micrometer, JNR), each read, parsed and verified again. In generation mode only, this loads (without
 * initialising: no class's static code runs) and links every class named in the {@value #LIST} resources on the class path, so
 * the archive records them; a name this service does not have is skipped.
 *
 * <p>It is a config source because config sources are the application's only code that Quarkus runs before the
 * generation run stops; it contributes no properties. Outside generation mode it does nothing.
 */
@StaticInitSafe
public final class StartupClasses implements ConfigSource {
    /** One binary class name a line; {@code #} starts a comment. services/runtime holds the list all services share. */
    static final String LIST = "META-INF/tabby/startup-classes.txt";
    /** Quarkus' own switch for its AppCDS generation run (io.quarkus.runtime.ApplicationLifecycleManager). */
    static final String GENERATING = "quarkus.appcds.generate";

    public StartupClasses() {
        if (Boolean.getBoolean(GENERATING)) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            preload(loader == null ? StartupClasses.class.getClassLoader() : loader);
        }
    }

    static int preload(ClassLoader loader) {
        return preload(loader, LIST);
    }

    /** Loads and links every class named in the {@code list} resources that {@code loader} can find; returns how many. */
    static int preload(ClassLoader loader, String list) {
        int loaded = 0;
        try {
            Enumeration<URL> lists = loader.getResources(list);
            while (lists.hasMoreElements()) {
                loaded += preload(loader, lists.nextElement());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + list + ": " + e.getMessage(), e);
        }
        return loaded;
    }

    private static int preload(ClassLoader loader, URL list) throws IOException {
        int loaded = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(list.openStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    // Linked too, which reflection on its methods does without initialising it: the JDK archives a
                    // class of Quarkus' class loader only once it is linked (verified).
                    Class.forName(name, false, loader).getDeclaredMethods();
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // Not on this service's class path, or it needs a class that is not: it loads as before.
                }
            }
        }
        return loaded;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public String getValue(String propertyName) {
        return null;
    }

    @Override
    public String getName() {
        return "tabby-startup-classes";
    }

    @Override
    public int getOrdinal() {
        return 0;
    }
}
