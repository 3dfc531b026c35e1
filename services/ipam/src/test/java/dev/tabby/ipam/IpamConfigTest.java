package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.ipam.model.IpamKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ipam.setConfig against a real etcd, checked against libcalico-go v3.18's SetIPAMConfig (lib/ipam/ipam.go): unchanged
 * settings are not written, and the two combinations Calico refuses are refused before anything is written.
 */
class IpamConfigTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    IpamFixture f;
    Ipam ipam;

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void settingsEqualToTheCurrentOnesAreNotWritten() {
        ipam.setConfig(IpamConfig.DEFAULT);
        assertTrue(f.raw(IpamKeys.CONFIG).isEmpty(), "the default needs no key, as in Calico");

        ipam.setConfig(IpamConfig.DEFAULT.withStrictAffinity(true));
        long written = f.kv.get(IpamKeys.CONFIG).map(KvEntry::modRevision).orElseThrow();
        ipam.setConfig(IpamConfig.DEFAULT.withStrictAffinity(true));
        assertEquals(written, f.kv.get(IpamKeys.CONFIG).map(KvEntry::modRevision).orElseThrow(), "no second write");
    }

    @Test
    void refusesDisablingBothStrictAffinityAndAutoAllocateBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ipam.setConfig(new IpamConfig(false, false, 0)));
        assertEquals("Cannot disable 'StrictAffinity' and 'AutoAllocateBlocks' at the same time", e.getMessage());
        assertTrue(f.raw(IpamKeys.CONFIG).isEmpty(), "nothing written");
    }

    @Test
    void refusesMaxBlocksPerHostWithoutStrictAffinity() {
        ipam.setConfig(new IpamConfig(true, true, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ipam.setConfig(new IpamConfig(false, true, 2)));
        assertEquals("MaxBlocksPerHost requires StrictAffinity to be enabled", e.getMessage());
        assertEquals("{\"strict_affinity\":true,\"auto_allocate_blocks\":true,\"maxBlocksPerHost\":2}",
                new String(f.kv.get(IpamKeys.CONFIG).orElseThrow().value(), StandardCharsets.UTF_8), "unchanged");
    }
}
