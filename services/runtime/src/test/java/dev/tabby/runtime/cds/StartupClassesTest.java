package dev.tabby.runtime.cds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void doesNothingOutsideQuarkusAppCdsGeneration() {
        assertNull(System.getProperty(StartupClasses.GENERATING));
        StartupClasses source = new StartupClasses();

        assertTrue(source.getProperties().isEmpty());
        assertNull(source.getValue("quarkus.http.port"));
        assertNull(System.getProperty(INITIALISED));
    }
}
