package dev.tabby.renderer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcCpuTest {
    /** proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ... */
    private static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 9021 0 12 0 1234 567 3 4 20 0 31 0";

    @Test
    void utimePlusStime() {
        assertEquals(1234 + 567, ProcCpu.ticks(STAT));
    }

    @Test
    void aThreadNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String line = "4250 (C2 (x) Compiler) R 1 4242 4242 0 -1 4194560 9021 0 12 0 70 30 0 0 20 0 31 0";
        assertEquals(100, ProcCpu.ticks(line));
        assertEquals("C2 (x) Compiler", ProcCpu.name(line));
    }

    @Test
    void aTruncatedLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcCpu.ticks("4242 (java) S 1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> ProcCpu.ticks("not a stat line"));
    }

    @Test
    void thisProcessHasUsedSomeCpu() {
        assertTrue(ProcCpu.process(ProcessHandle.current().pid()) > 0);
        // The JVM names its own threads natively (e.g. "GC Thread#0" -> "GC Thread#"); the launcher's stays "java".
        Map<String, Long> threads = ProcCpu.threads(ProcessHandle.current().pid());
        assertTrue(threads.containsKey("java"), threads.keySet().toString());
        assertTrue(threads.values().stream().mapToLong(Long::longValue).sum() > 0);
    }

    @Test
    void percentOfACoreAndTheOverhead() {
        // 30 s at 100 ticks a second: 150 ticks is 5 % of one core.
        assertEquals(5.0, ProcCpu.percentOfCore(150, 100, 30), 1e-9);
        assertEquals(0.0, ProcCpu.percentOfCore(150, 100, 0), 1e-9);
        assertEquals(3.5, ProcCpu.overheadPercent(5.0, 1.5), 1e-9);
        assertEquals(2.0, ProcCpu.ratio(3.0, 1.5), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, ProcCpu.ratio(3.0, 0));
    }

    @Test
    void busiestThreadsByGrowth() {
        Map<String, Long> before = Map.of("tabby-flows-nflog", 10L, "Reference Handler", 5L);
        Map<String, Long> after = Map.of("tabby-flows-nflog", 90L, "Reference Handler", 5L, "executor-thread", 20L);
        assertEquals(List.of("tabby-flows-nflog=80", "executor-thread=20"), ProcCpu.busiest(before, after, 5));
    }

    @Test
    void machineBusyCountsIdleAndIowaitAsIdle() {
        String a = "cpu  100 0 100 700 100 0 0 0 0 0";
        String b = "cpu  200 0 200 1300 300 0 0 0 0 0"; // 200 busy, 800 idle+iowait
        assertEquals(20.0, ProcCpu.machineBusy(a, b), 1e-9);
    }
}
