package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import org.junit.jupiter.api.Test;

/**
 * BGPPeer validation in both directions against libcalico-go release-v3.18 lib/validator/v3/validator.go
 * validateBGPPeerSpec, which refuses only node with nodeSelector, peerIP with peerSelector and asNumber with
 * peerSelector.
 */
class BGPPeerValidationTest {
    private static Manifest read(String spec) {
        return ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: peer1}
                spec: %s
                """.formatted(spec));
    }

    @Test
    void whatCalicoAcceptsIsAcceptedWithAWarningWhereItWillNotPeer() {
        Manifest noAs = read("{peerIP: 10.0.0.1}");
        assertEquals(1, noAs.resources().size());
        assertTrue(noAs.warnings().stream().anyMatch(w -> w.contains("asNumber") && w.contains("is not set")),
                noAs.warnings().toString());
        Manifest selectorOnly = read("{peerSelector: \"has(rr)\"}");
        assertEquals(1, selectorOnly.resources().size(), "no asNumber with peerSelector: the nodes' own are used");
        assertTrue(selectorOnly.warnings().isEmpty(), selectorOnly.warnings().toString());
        assertEquals(1, read("{node: n1}").resources().size(), "neither peerIP nor peerSelector: accepted");
    }

    @Test
    void whatCalicoRefusesIsRefused() {
        assertThrows(ManifestException.class, () -> read("{node: n1, nodeSelector: all(), peerIP: 10.0.0.1, asNumber: 1}"));
        assertThrows(ManifestException.class, () -> read("{peerIP: 10.0.0.1, peerSelector: all()}"));
        assertThrows(ManifestException.class, () -> read("{peerSelector: all(), asNumber: 64512}"));
    }
}
