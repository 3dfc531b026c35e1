package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The NFLOG reader's cache of record keys: the same key object again for the same fields, never a wrong one. */
class FlowKeysTest {
    private static final String WEB = "10.65.0.2";
    private static final String DB = "10.65.0.3";
    private static final String POLICY = "shop/default.allow-db";

    @Test
    void theSameFieldsGiveTheSameKeyObject() {
        FlowKeys keys = new FlowKeys();
        FlowKey first = keys.of(WEB, DB, 5432, 6, true, true, POLICY, 0);
        assertEquals(new FlowKey(WEB, DB, 5432, 6, true, true, POLICY, 0), first);
        assertSame(first, keys.of(WEB, DB, 5432, 6, true, true, POLICY, 0));
        // Equal texts that are other String objects (another reader's, a renamed policy's) find it as well.
        assertSame(first, keys.of(new String(WEB), new String(DB), 5432, 6, true, true, new String(POLICY), 0));
    }

    @Test
    void everyFieldTellsKeysApart() {
        FlowKeys keys = new FlowKeys();
        FlowKey base = keys.of(WEB, DB, 5432, 6, true, true, POLICY, 0);
        FlowKey[] others = {
            keys.of(DB, DB, 5432, 6, true, true, POLICY, 0),
            keys.of(WEB, WEB, 5432, 6, true, true, POLICY, 0),
            keys.of(WEB, DB, 5433, 6, true, true, POLICY, 0),
            keys.of(WEB, DB, 5432, 17, true, true, POLICY, 0),
            keys.of(WEB, DB, 5432, 6, false, true, POLICY, 0),
            keys.of(WEB, DB, 5432, 6, true, false, POLICY, 0),
            keys.of(WEB, DB, 5432, 6, true, true, "shop/default.other", 0),
            keys.of(WEB, DB, 5432, 6, true, true, POLICY, 1),
        };
        for (FlowKey k : others) {
            assertEquals(false, k.equals(base), k.toString());
        }
        assertEquals(new FlowKey(WEB, DB, 5432, 6, false, true, POLICY, 0), others[4]);
        assertEquals(new FlowKey(WEB, DB, 5432, 6, true, false, POLICY, 0), others[5]);
    }

    @Test
    void keysThatShareASlotAreEachRight() {
        FlowKeys keys = new FlowKeys();
        // More keys than slots: every answer must still be the key of the fields asked for.
        for (int round = 0; round < 2; round++) {
            for (int port = 1; port <= 5000; port++) {
                assertEquals(new FlowKey(WEB, DB, port, 6, true, port % 2 == 0, POLICY, port % 3),
                        keys.of(WEB, DB, port, 6, true, port % 2 == 0, POLICY, port % 3));
            }
        }
    }
}
