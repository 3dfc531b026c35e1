package dev.tabby.runtime.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Readiness in the log: one line per change with its reason, however often it is looked at (ReadinessEvents looks
 * every second, a kubelet probes every few), since SmallRye Health's own line per not-ready probe is silenced.
 */
@QuarkusTest
class ReadinessLogTest {
    @Inject
    ServiceEvents events;

    @Test
    void eachChangeIsLoggedOnceWithItsReason() {
        events.useNode("node7");
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String text = r.getParameters() == null ? r.getMessage()
                        : String.format(r.getMessage(), r.getParameters());
                if (text.startsWith("event=readiness")) {
                    lines.add(text);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ServiceEvents.class.getName());
        logger.addHandler(capture);
        try {
            events.readiness(false, "datastore: RESYNC");
            events.readiness(false, "datastore: RESYNC");
            events.readiness(false, "still listing");
            events.readiness(true, "ready");
            events.readiness(true, "ready");
            events.readiness(false, "datastore: WAIT_FOR_DATASTORE");
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(List.of("event=readiness ready=false reason=\"datastore: RESYNC\"",
                "event=readiness ready=true reason=\"ready\"",
                "event=readiness ready=false reason=\"datastore: WAIT_FOR_DATASTORE\""), lines);
    }
}
