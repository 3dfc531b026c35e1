package dev.tabby.runtime.cds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupClassesTest {
    static final String INITIALISED = "tabby.test.startup-classes.initialised";

    /** A listed class whose static code would leave a mark: preloading must not run it. */
    static final class Listed {
        static {
            System.setProperty(INITIALISED, "yes");
        }

        void method(Map<String, String> parameter) {
        }
    }

    @Test
    void loadsTheListedClassesThatExistWithoutRunningTheirStaticCode() {
        int loaded = StartupClasses.preload(getClass().getClassLoader(), "cds/startup-classes-test.txt");

        assertEquals(1, loaded, "the one class of the list that exists; the comment, blank line and missing class skipped");
        assertNull(System.getProperty(INITIALISED), "preloading initialised the class");
    }

    /** Records every resource and class asked of it; answers "no such list" so that nothing is preloaded. */
    static final class RecordingLoader extends ClassLoader {
        final List<String> asked = new ArrayList<>();

        RecordingLoader() {
            super(StartupClassesTest.class.getClassLoader());
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            asked.add(name);
            return name.equals(StartupClasses.LIST) ? Collections.emptyEnumeration() : super.getResources(name);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            return super.loadClass(name, resolve);
        }
    }

    /** Makes the config source as Quarkus does, with {@code loader} as the context class loader. */
    static StartupClasses madeWith(RecordingLoader loader) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return new StartupClasses();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void doesNothingOutsideQuarkusAppCdsGeneration() {
        assertNull(System.getProperty(StartupClasses.GENERATING));
        RecordingLoader loader = new RecordingLoader();

        StartupClasses source = madeWith(loader);

        assertEquals(List.of(), loader.asked, "a service's every start would read the lists and load their classes");
        assertTrue(source.getProperties().isEmpty());
        assertNull(source.getValue("quarkus.http.port"));
    }

    @Test
    void readsTheListsInQuarkusAppCdsGeneration() {
        RecordingLoader loader = new RecordingLoader();
        System.setProperty(StartupClasses.GENERATING, "true");
        try {
            madeWith(loader);
        } finally {
            System.clearProperty(StartupClasses.GENERATING);
        }

        assertEquals(List.of(StartupClasses.LIST), loader.asked, "the generation run must look for the class lists");
    }
}
