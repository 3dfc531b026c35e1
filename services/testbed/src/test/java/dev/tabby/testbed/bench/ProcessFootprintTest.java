package dev.tabby.testbed.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsers of bench footprint on text as Linux 6.x and OpenJDK 17 print it (taken from a SerialGC JVM). */
class ProcessFootprintTest {
    private static final String ROLLUP = """
            687400000-7fff5ebbe000 ---p 00000000 00:00 0                             [rollup]
            Rss:               70916 kB
            Pss:               53081 kB
            Pss_Dirty:         42820 kB
            Pss_Anon:          42812 kB
            Pss_File:          10269 kB
            Shared_Clean:      28032 kB
            Swap:                  0 kB
            """;

    private static final String STATUS = "Name:\tjava\nVmRSS:\t   70916 kB\nThreads:\t15\nSigQ:\t0/95704\n";

    private static final String HEAP_INFO = """
            31048:
             def new generation   total 116160K, used 20659K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
              eden space 103296K,  20% used [0x0000000687400000, 0x000000068882ced8, 0x000000068d8e0000)
              from space 12864K,   0% used [0x000000068d8e0000, 0x000000068d8e0000, 0x000000068e570000)
              to   space 12864K,   0% used [0x000000068e570000, 0x000000068e570000, 0x000000068f200000)
             tenured generation   total 258048K, used 1000K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
               the space 258048K,   0% used [0x0000000704d50000, 0x0000000704d50000, 0x0000000704d50200, 0x0000000714950000)
             Metaspace       used 8212K, committed 8448K, reserved 1114112K
              class space    used 1062K, committed 1152K, reserved 1048576K
            CodeCache: size=49152Kb used=3024Kb max_used=3024Kb free=46127Kb
             bounds [0x00007f267d400000, 0x00007f267d700000, 0x00007f2680400000]
             total_blobs=1417 nmethods=1018 adapters=329
            """;

    private static final String G1_SEGMENTED = """
            4242:
             garbage-first heap   total 262144K, used 18432K [0x00000000f0000000, 0x0000000100000000)
              region size 1024K, 12 young (12288K), 2 survivors (2048K)
             Metaspace       used 30000K, committed 30720K, reserved 1114112K
              class space    used 3000K, committed 3200K, reserved 1048576K
            CodeHeap 'non-profiled nmethods': size=120032Kb used=1500Kb max_used=1500Kb free=118532Kb
            CodeHeap 'profiled nmethods': size=120028Kb used=6000Kb max_used=6000Kb free=114028Kb
            CodeHeap 'non-nmethods': size=5700Kb used=1200Kb max_used=1300Kb free=4500Kb
            """;

    private static final String SMAPS = """
            55d0c5a00000-55d0c5a01000 r--p 00000000 fe:01 1234                       /usr/lib/jvm/java-17-openjdk-amd64/bin/java
            Size:                  4 kB
            Rss:                   4 kB
            Pss:                   1 kB
            7f2670000000-7f2671000000 rw-p 00000000 00:00 0
            Size:              16384 kB
            Pss:                9000 kB
            7f2672000000-7f2673000000 r--p 00000000 fe:01 99                         /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
            Pss:                5000 kB
            7f2674000000-7f2675000000 r--p 00000000 fe:01 98                         /usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa
            Pss:                4000 kB
            7f2676000000-7f2677000000 r--p 00000000 fe:01 97                         /usr/lib/x86_64-linux-gnu/libc.so.6
            Pss:                 300 kB
            7f2678000000-7f2679000000 r--s 00000000 fe:01 96                         /work/main/vxlan-manager/target/quarkus-app/lib/main/io.vertx.vertx-core-4.5.jar
            Pss:                  20 kB
            7f2680000000-7f2681000000 r--p 00000000 fe:01 95                         /usr/lib/jvm/java-17-openjdk-amd64/lib/modules
            Pss:                 700 kB
            7f2682000000-7f2682008000 rw-s 00000000 00:1f 94                         /tmp/hsperfdata_root/31048
            Pss:                  32 kB
            7f2684000000-7f2684100000 rwxp 00000000 00:00 0
            Pss:                  64 kB
            7f2686000000-7f2686100000 rw-p 00000000 00:00 0                          [anon:something]
            Pss:                  10 kB
            7ffd1000000-7ffd1021000 rw-p 00000000 00:00 0                          [stack]
            Pss:                 132 kB
            """;

    @Test
    void rollupGivesRssPssAndTheirParts() {
        Map<String, Long> f = ProcessFootprint.kbFields(ROLLUP);
        assertEquals(70916L, f.get("Rss"));
        assertEquals(53081L, f.get("Pss"));
        assertEquals(42812L, f.get("Pss_Anon"));
        assertEquals(10269L, f.get("Pss_File"));
    }

    @Test
    void statusGivesThreads() {
        assertEquals(15, ProcessFootprint.threads(STATUS));
        assertThrows(IllegalArgumentException.class, () -> ProcessFootprint.threads("Name:\tjava\n"));
    }

    @Test
    void serialHeapIsBothGenerationsAndMetaspaceIncludesClassSpace() {
        assertArrayEquals(new long[] {21659, 374208}, ProcessFootprint.heap(HEAP_INFO));
        assertArrayEquals(new long[] {8212, 8448}, ProcessFootprint.metaspace(HEAP_INFO));
        assertEquals(3024, ProcessFootprint.codeCacheUsed(HEAP_INFO));
    }

    @Test
    void g1HeapAndASegmentedCodeCache() {
        assertArrayEquals(new long[] {18432, 262144}, ProcessFootprint.heap(G1_SEGMENTED));
        assertArrayEquals(new long[] {30000, 30720}, ProcessFootprint.metaspace(G1_SEGMENTED));
        assertEquals(8700, ProcessFootprint.codeCacheUsed(G1_SEGMENTED));
    }

    @Test
    void heapAndCodeCacheRangesFromJcmd() {
        List<long[]> heap = ProcessFootprint.heapRanges(HEAP_INFO);
        assertEquals(2, heap.size());
        assertArrayEquals(new long[] {0x687400000L, 0x704d50000L}, heap.get(0));
        assertArrayEquals(new long[] {0x704d50000L, 0x800000000L}, heap.get(1));
        assertArrayEquals(new long[] {0x7f267d400000L, 0x7f2680400000L}, ProcessFootprint.codeCacheRanges(HEAP_INFO).get(0));
        assertArrayEquals(new long[] {0xf0000000L, 0x100000000L}, ProcessFootprint.heapRanges(G1_SEGMENTED).get(0));
    }

    @Test
    void smapsPssByKindOfMapping() {
        Map<String, Long> k = ProcessFootprint.pssByKind(SMAPS, List.of(new long[] {0x7f2670000000L, 0x7f2670800000L}),
                List.of(new long[] {0x7f2684000000L, 0x7f2685000000L}));
        assertEquals(9000L, k.get("java-heap"));
        assertEquals(64L, k.get("code-cache"));
        assertEquals(132L + 10L, k.get("anon-other"));
        assertEquals(5001L, k.get("jvm-libs"));
        assertEquals(4000L, k.get("cds"));
        assertEquals(300L, k.get("other-libs"));
        assertEquals(720L, k.get("jars"));
        assertEquals(32L, k.get("other-files"));
        assertEquals(List.of("classes.jsa"), ProcessFootprint.archives(SMAPS));
    }
}
