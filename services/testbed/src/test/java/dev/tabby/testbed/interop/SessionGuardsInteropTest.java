package dev.tabby.testbed.interop;

import dev.tabby.testbed.routers.Await;

import static dev.tabby.testbed.bench.PeeringLab.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.testbed.bench.PeeringLab;
import dev.tabby.testbed.bench.SpeakerConfig;
import dev.tabby.testbed.routers.BirdRouter;
import dev.tabby.testbed.routers.FrrRouter;
import dev.tabby.testbed.routers.Neighbour;
import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What keeps a session down: TCP MD5 (RFC 2385) with BIRD and FRR, where the same password brings the session up and
 * a different one keeps it down (the kernel drops the unsigned-to-it segments), and a prefix limit that closes the
 * session of a peer announcing more (BIRD's {@code import limit N action disable}; Tabby's annotation
 * {@code bgp.tabby.dev/max-prefixes}). One Tabby and five routers, all on one link.
 */
class SessionGuardsInteropTest {
    private static final long TABBY_AS = 64512;
    private static final String PASSWORD = "tabby-md5-secret";
    private static final String WRONG_PASSWORD = "not-the-secret";
    private static final int TABBY = 1;
    private static final int BIRD_GOOD = 2;
    private static final int FRR_GOOD = 3;
    private static final int BIRD_WRONG = 4;
    private static final int FRR_WRONG = 5;
    private static final int BIRD_TOO_MANY = 6;
    private static final int MAX_PREFIXES = 3;

    private PeeringLab lab;

    @AfterEach
    void cleanUp() {
        if (lab == null) {
            return;
        }
        List<String> ours = lab.namespaces();
        lab.close();
        String list = PeeringLab.run("ip", "netns", "list");
        for (String ns : ours) {
            assertFalse(list.contains(ns), "namespace " + ns + " is left behind: " + list);
        }
    }

    @Test
    void md5SessionsComeUpOnlyWithTheSamePasswordAndAPrefixLimitClosesTheSession() throws IOException {
        lab = PeeringLab.create("tabby-t-", 6);
        Path passwordFile = lab.workDir(TABBY, "tabby").resolve("md5.key");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        String key = passwordFile.toString();
        SpeakerConfig config = SpeakerConfig.of("tabby", TABBY_AS, ipv4(TABBY) + "/24", null)
                .withPeer(SpeakerConfig.Peer.of("bird-md5", ipv4(BIRD_GOOD), 65002).withPasswordFile(key))
                .withPeer(SpeakerConfig.Peer.of("frr-md5", ipv4(FRR_GOOD), 65003).withPasswordFile(key))
                .withPeer(SpeakerConfig.Peer.of("bird-md5-wrong", ipv4(BIRD_WRONG), 65004).withPasswordFile(key))
                .withPeer(SpeakerConfig.Peer.of("frr-md5-wrong", ipv4(FRR_WRONG), 65005).withPasswordFile(key))
                .withPeer(SpeakerConfig.Peer.of("bird-too-many", ipv4(BIRD_TOO_MANY), 65006)
                        .withMaxPrefixes(MAX_PREFIXES));
        TabbySpeaker tabby = TabbySpeaker.start(lab, TABBY, config);
        Router birdGood = lab.start(new BirdRouter(), BIRD_GOOD, RouterConfig.of(ipv4(BIRD_GOOD), 65002)
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS).withPassword(PASSWORD))
                .withPrefixes(List.of("10.82.0.0/24")));
        Router frrGood = lab.start(new FrrRouter(), FRR_GOOD, RouterConfig.of(ipv4(FRR_GOOD), 65003)
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS).withPassword(PASSWORD))
                .withPrefixes(List.of("10.83.0.0/24")));
        Router birdWrong = lab.start(new BirdRouter(), BIRD_WRONG, RouterConfig.of(ipv4(BIRD_WRONG), 65004)
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS).withPassword(WRONG_PASSWORD))
                .withPrefixes(List.of("10.84.0.0/24")));
        Router frrWrong = lab.start(new FrrRouter(), FRR_WRONG, RouterConfig.of(ipv4(FRR_WRONG), 65005)
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS).withPassword(WRONG_PASSWORD))
                .withPrefixes(List.of("10.85.0.0/24")));
        lab.start(new BirdRouter(), BIRD_TOO_MANY, RouterConfig.of(ipv4(BIRD_TOO_MANY), 65006)
                .withNeighbour(Neighbour.of(ipv4(TABBY), TABBY_AS))
                .withPrefixes(List.of("10.86.0.0/24", "10.86.1.0/24", "10.86.2.0/24", "10.86.3.0/24", "10.86.4.0/24")));

        // The same password: both sessions come up and carry routes.
        Await.until("Tabby's MD5 sessions with BIRD and FRR Established",
                () -> tabby.peer(ipv4(BIRD_GOOD)).established() && tabby.peer(ipv4(FRR_GOOD)).established(),
                Boolean::booleanValue, lab::logs);
        Await.until("Tabby learns the MD5 peers' prefixes", () -> tabby.routes("ipv4").stream()
                        .map(TabbySpeaker.Route::prefix).filter(p -> p.startsWith("10.82.") || p.startsWith("10.83."))
                        .collect(Collectors.toSet()),
                Set.of("10.82.0.0/24", "10.83.0.0/24")::equals, lab::logs);
        assertTrue(birdGood.established(ipv4(TABBY)), "BIRD's MD5 session is not up");
        assertTrue(frrGood.established(ipv4(TABBY)), "bgpd's MD5 session is not up");

        // A different password: the kernel of each wrong router drops Tabby's signed segments and counts them; once
        // it has, Tabby has had its chance to connect, and neither session is up on either side.
        Await.until("TCP MD5 failures counted where the passwords differ",
                () -> md5Failures(lab.netns(BIRD_WRONG)) > 0 && md5Failures(lab.netns(FRR_WRONG)) > 0
                        && md5Failures(lab.netns(TABBY)) > 0, Boolean::booleanValue, lab::logs);
        TabbySpeaker.Peer toBird = tabby.peer(ipv4(BIRD_WRONG));
        TabbySpeaker.Peer toFrr = tabby.peer(ipv4(FRR_WRONG));
        assertFalse(toBird.established(), "Tabby's session with BIRD is up although the passwords differ: " + toBird);
        assertFalse(toFrr.established(), "Tabby's session with FRR is up although the passwords differ: " + toFrr);
        assertFalse(birdWrong.established(ipv4(TABBY)), "BIRD's session is up although the passwords differ");
        assertFalse(frrWrong.established(ipv4(TABBY)), "bgpd's session is up although the passwords differ");
        assertTrue(tabby.routes("ipv4").stream().noneMatch(r -> r.prefix().startsWith("10.84.")
                || r.prefix().startsWith("10.85.")), "routes from a peer with the wrong password: " + tabby.routes("ipv4"));

        // More prefixes than the limit: the session is closed and lastError says why.
        TabbySpeaker.Peer limited = Await.until("Tabby closes the session of the peer announcing 5 > "
                        + MAX_PREFIXES + " prefixes", () -> tabby.peer(ipv4(BIRD_TOO_MANY)),
                p -> !p.established() && p.lastError().contains("max prefixes " + MAX_PREFIXES + " exceeded"), lab::logs);
        assertEquals("max prefixes 3 exceeded", limited.lastError());
        assertTrue(tabby.routes("ipv4").stream().noneMatch(r -> r.prefix().startsWith("10.86.")),
                "Tabby keeps routes of the closed session: " + tabby.routes("ipv4"));
    }

    /** TcpExtTCPMD5Failure of the namespace's kernel: segments whose MD5 signature was wrong or missing. */
    private static long md5Failures(String netns) {
        String out = PeeringLab.run("ip", "netns", "exec", netns, "nstat", "-saz", "TcpExtTCPMD5Failure");
        for (String line : out.split("\\R")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("TcpExtTCPMD5Failure")) {
                return Long.parseLong(f[1]);
            }
        }
        throw new IllegalStateException("nstat printed no TcpExtTCPMD5Failure in " + netns + ": " + out);
    }
}
