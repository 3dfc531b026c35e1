package dev.tabby.testbed.routers;

import static dev.tabby.testbed.routers.Lab.A4;
import static dev.tabby.testbed.routers.Lab.A6;
import static dev.tabby.testbed.routers.Lab.B4;
import static dev.tabby.testbed.routers.Lab.B6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BIRD 2, GoBGP and FRR as real daemons in two namespaces joined by a veth pair, peering over eBGP with IPv4 and IPv6
 * unicast on one IPv4 session: what one announces the other learns with the announcer's next hop and AS path, a
 * withdraw is seen, TCP MD5 works when the passwords match and keeps the session down when they do not.
 */
class RouterInteropTest {
    private static final long AS_A = 65001;
    private static final long AS_B = 65002;

    private Lab lab;

    @BeforeEach
    void lab() throws Exception {
        lab = Lab.create();
    }

    @AfterEach
    void cleanUp() {
        List<String> ours = lab.namespaces();
        lab.close();
        String list = Lab.sh("ip", "netns", "list");
        for (String ns : ours) {
            assertFalse(list.contains(ns), "namespace " + ns + " is left behind: " + list);
        }
    }

    @Test
    void gobgpLearnsBirdsIpv4AndIpv6PrefixesOverOneIpv4SessionAndSeesWithdrawals() {
        RouterConfig birdConfig = RouterConfig.of(A4, AS_A).withIpv6NextHop(A6).withNeighbour(Neighbour.of(B4, AS_B))
                .withPrefixes(List.of("10.11.0.0/24", "10.11.1.0/24", "fd00:11::/64"));
        Router bird = lab.start(new BirdRouter(), lab.a, birdConfig);
        Router gobgp = lab.start(new GobgpRouter(), lab.b, RouterConfig.of(B4, AS_B)
                .withNeighbour(Neighbour.of(A4, AS_A)));

        Await.until("gobgpd's session with BIRD Established", () -> gobgp.sessionState(A4), Router.ESTABLISHED::equals, lab::logs);
        assertEquals(Router.ESTABLISHED, bird.sessionState(B4));
        Await.until("gobgpd learns BIRD's two IPv4 prefixes", () -> set(gobgp.routes(Afi.IPV4)), Set.of(
                route("10.11.0.0/24", A4, AS_A), route("10.11.1.0/24", A4, AS_A))::equals, lab::logs);
        Await.until("gobgpd learns BIRD's IPv6 prefix with BIRD's IPv6 next hop", () -> set(gobgp.routes(Afi.IPV6)),
                Set.of(route("fd00:11::/64", A6, AS_A))::equals, lab::logs);

        bird.withdraw(List.of("10.11.1.0/24", "fd00:11::/64"));
        Await.until("gobgpd sees the IPv4 withdrawal", () -> set(gobgp.routes(Afi.IPV4)),
                Set.of(route("10.11.0.0/24", A4, AS_A))::equals, lab::logs);
        Await.until("gobgpd sees the IPv6 withdrawal", () -> gobgp.routes(Afi.IPV6), List::isEmpty, lab::logs);
        assertEquals(List.of("10.11.0.0/24"), bird.announced());
        assertEquals(List.of(), gobgp.kernelRoutes(Afi.IPV4), "gobgpd runs without zebra: no kernel routes");

        long pid = bird.pid();
        bird.kill9();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "bird " + pid + " survived kill9");
        Await.until("gobgpd notices BIRD is gone", () -> gobgp.sessionState(A4), s -> !s.equals(Router.ESTABLISHED), lab::logs);

        // A new BIRD in the killed one's work dir (its socket and files still there) peers again.
        Router again = lab.start(new BirdRouter(), lab.a, birdConfig);
        Await.until("gobgpd relearns the restarted BIRD's prefixes", () -> set(gobgp.routes(Afi.IPV4)), Set.of(
                route("10.11.0.0/24", A4, AS_A), route("10.11.1.0/24", A4, AS_A))::equals, lab::logs);
        assertEquals(Router.ESTABLISHED, again.sessionState(B4));
    }

    @Test
    void birdLearnsGobgpsPrefixesAndInstallsThemIntoTheKernelWhenAsked() {
        Router bird = lab.start(new BirdRouter(), lab.a, RouterConfig.of(A4, AS_A).withIpv6NextHop(A6)
                .withInstallRoutes(true).withNeighbour(Neighbour.of(B4, AS_B)));
        RouterConfig gobgpConfig = RouterConfig.of(B4, AS_B).withIpv6NextHop(B6).withNeighbour(Neighbour.of(A4, AS_A))
                .withPrefixes(List.of("10.22.0.0/24", "10.22.1.0/24", "fd00:22::/64"));
        Router gobgp = lab.start(new GobgpRouter(), lab.b, gobgpConfig);

        Await.until("BIRD learns gobgpd's IPv4 prefixes", () -> set(bird.routes(Afi.IPV4)), Set.of(
                route("10.22.0.0/24", B4, AS_B), route("10.22.1.0/24", B4, AS_B))::equals, lab::logs);
        Await.until("BIRD learns gobgpd's IPv6 prefix", () -> set(bird.routes(Afi.IPV6)),
                Set.of(route("fd00:22::/64", B6, AS_B))::equals, lab::logs);
        Await.until("BIRD installs the IPv4 routes", () -> Set.copyOf(bird.kernelRoutes(Afi.IPV4)),
                Set.of("10.22.0.0/24", "10.22.1.0/24")::equals, lab::logs);
        Await.until("BIRD installs the IPv6 route", () -> bird.kernelRoutes(Afi.IPV6), List.of("fd00:22::/64")::equals, lab::logs);
        String kernel = Lab.sh("ip", "-n", lab.a, "route", "show", "10.22.0.0/24");
        assertTrue(kernel.contains("via " + B4) && kernel.contains("proto bird"), kernel);

        gobgp.withdraw(List.of("10.22.0.0/24"));
        Await.until("BIRD sees the withdrawal", () -> set(bird.routes(Afi.IPV4)),
                Set.of(route("10.22.1.0/24", B4, AS_B))::equals, lab::logs);
        Await.until("BIRD removes the withdrawn route from the kernel", () -> bird.kernelRoutes(Afi.IPV4),
                List.of("10.22.1.0/24")::equals, lab::logs);

        // A new gobgpd in the killed one's work dir (its API socket still there) peers and announces again.
        gobgp.kill9();
        Router again = lab.start(new GobgpRouter(), lab.b, gobgpConfig);
        Await.until("BIRD relearns the restarted gobgpd's prefixes", () -> Set.copyOf(bird.kernelRoutes(Afi.IPV4)),
                Set.of("10.22.0.0/24", "10.22.1.0/24")::equals, lab::logs);
        assertEquals(Router.ESTABLISHED, again.sessionState(A4));
    }

    @Test
    void birdAndFrrExchangeIpv4AndIpv6RoutesOverAnMd5Session() {
        String password = "tabby-md5-test";
        Router bird = lab.start(new BirdRouter(), lab.a, RouterConfig.of(A4, AS_A).withIpv6NextHop(A6)
                .withNeighbour(Neighbour.of(B4, AS_B).withPassword(password)));
        RouterConfig frrConfig = RouterConfig.of(B4, AS_B).withIpv6NextHop(B6)
                .withNeighbour(Neighbour.of(A4, AS_A).withPassword(password))
                .withPrefixes(List.of("10.33.0.0/24", "10.33.1.0/24", "fd00:33::/64"));
        Router frr = lab.start(new FrrRouter(), lab.b, frrConfig);

        Await.until("bgpd's MD5 session with BIRD Established", () -> frr.sessionState(A4), Router.ESTABLISHED::equals, lab::logs);
        Await.until("BIRD learns FRR's IPv4 prefixes", () -> set(bird.routes(Afi.IPV4)), Set.of(
                route("10.33.0.0/24", B4, AS_B), route("10.33.1.0/24", B4, AS_B))::equals, lab::logs);
        Await.until("BIRD learns FRR's IPv6 prefix", () -> set(bird.routes(Afi.IPV6)),
                Set.of(route("fd00:33::/64", B6, AS_B))::equals, lab::logs);

        bird.announce(List.of("10.11.0.0/24", "10.11.1.0/24", "fd00:11::/64"));
        Await.until("FRR learns BIRD's IPv4 prefixes", () -> set(frr.routes(Afi.IPV4)), Set.of(
                route("10.11.0.0/24", A4, AS_A), route("10.11.1.0/24", A4, AS_A))::equals, lab::logs);
        Await.until("FRR learns BIRD's IPv6 prefix", () -> set(frr.routes(Afi.IPV6)),
                Set.of(route("fd00:11::/64", A6, AS_A))::equals, lab::logs);
        assertEquals(List.of(), frr.kernelRoutes(Afi.IPV4), "bgpd runs with -n: no kernel routes");

        frr.withdraw(List.of("10.33.0.0/24", "fd00:33::/64"));
        Await.until("BIRD sees FRR's IPv4 withdrawal", () -> set(bird.routes(Afi.IPV4)),
                Set.of(route("10.33.1.0/24", B4, AS_B))::equals, lab::logs);
        Await.until("BIRD sees FRR's IPv6 withdrawal", () -> bird.routes(Afi.IPV6), List::isEmpty, lab::logs);
        bird.withdraw(List.of("10.11.1.0/24"));
        Await.until("FRR sees BIRD's withdrawal", () -> set(frr.routes(Afi.IPV4)),
                Set.of(route("10.11.0.0/24", A4, AS_A))::equals, lab::logs);

        // FRR stopped and started again in the same work dir (sockets, pid files) peers again.
        long pid = frr.pid();
        frr.stop();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "bgpd " + pid + " survived stop");
        Router again = lab.start(new FrrRouter(), lab.b, frrConfig);
        Await.until("the restarted FRR relearns BIRD's prefixes", () -> set(again.routes(Afi.IPV4)),
                Set.of(route("10.11.0.0/24", A4, AS_A))::equals, lab::logs);
    }

    @Test
    void frrInstallsLearnedRoutesIntoTheKernelWhenAsked() {
        lab.start(new BirdRouter(), lab.a, RouterConfig.of(A4, AS_A).withIpv6NextHop(A6)
                .withNeighbour(Neighbour.of(B4, AS_B)).withPrefixes(List.of("10.11.0.0/24", "fd00:11::/64")));
        Router frr = lab.start(new FrrRouter(), lab.b, RouterConfig.of(B4, AS_B).withInstallRoutes(true)
                .withNeighbour(Neighbour.of(A4, AS_A)));

        Await.until("zebra installs BIRD's IPv4 prefix", () -> frr.kernelRoutes(Afi.IPV4), List.of("10.11.0.0/24")::equals,
                lab::logs);
        Await.until("zebra installs BIRD's IPv6 prefix", () -> frr.kernelRoutes(Afi.IPV6), List.of("fd00:11::/64")::equals,
                lab::logs);
        String kernel = Lab.sh("ip", "-n", lab.b, "route", "show", "10.11.0.0/24");
        assertTrue(kernel.contains("via " + A4) && kernel.contains("proto bgp"), kernel);
    }

    @Test
    void aDaemonThatCannotStartSaysWhyWithItsLog() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> lab.start(new BirdRouter(), "tabby-t-no-such-netns", RouterConfig.of(A4, AS_A)));
        assertTrue(e.getMessage().matches("bird exited with status \\d+ while starting in tabby-t-no-such-netns; .*"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Cannot open network namespace"), e.getMessage());
    }

    @Test
    void differentMd5PasswordsKeepTheSessionDown() {
        Router bird = lab.start(new BirdRouter(), lab.a, RouterConfig.of(A4, AS_A)
                .withNeighbour(Neighbour.of(B4, AS_B).withPassword("password-of-a")));
        Router frr = lab.start(new FrrRouter(), lab.b, RouterConfig.of(B4, AS_B)
                .withNeighbour(Neighbour.of(A4, AS_A).withPassword("password-of-b"))
                .withPrefixes(List.of("10.33.0.0/24")));

        // The kernel drops segments whose MD5 signature does not verify and counts them: once both sides have had
        // their connection attempts refused that way, the session has had its chance to come up.
        Await.until("TCP MD5 failures counted in both namespaces",
                () -> md5Failures(lab.a) > 0 && md5Failures(lab.b) > 0, Boolean::booleanValue, lab::logs);
        assertFalse(bird.established(B4), "BIRD's session is up although the passwords differ");
        assertFalse(frr.established(A4), "bgpd's session is up although the passwords differ");
        assertEquals(List.of(), bird.routes(Afi.IPV4));
    }

    /** TcpExtTCPMD5Failure of the namespace's kernel: segments whose MD5 signature was wrong. */
    private static long md5Failures(String netns) {
        String out = Lab.sh("ip", "netns", "exec", netns, "nstat", "-saz", "TcpExtTCPMD5Failure");
        for (String line : out.split("\\R")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("TcpExtTCPMD5Failure")) {
                return Long.parseLong(f[1]);
            }
        }
        throw new IllegalStateException("nstat printed no TcpExtTCPMD5Failure in " + netns + ": " + out);
    }

    private static LearnedRoute route(String prefix, String nextHop, long... asPath) {
        return new LearnedRoute(prefix, nextHop, Arrays.stream(asPath).boxed().toList());
    }

    private static Set<LearnedRoute> set(List<LearnedRoute> routes) {
        return new HashSet<>(routes);
    }
}
