package dev.tabby.dataplane.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** IpsetDriver against real ipsets in a namespace of its own; {@code ipset list} there is the oracle. */
class IpsetDriverKernelTest {
    private static final String NETS = IpSetNames.main(4, "s:nets");
    private static final String PORTS = IpSetNames.main(4, "n:ports");
    private static final String HOSTS6 = IpSetNames.main(6, "s:hosts6");

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private TestNamespace ns;
    private CommandRunner runner;

    @BeforeEach
    void namespace() {
        ns = netns.create();
        runner = CommandRunner.inNamespace(ns.name());
        ipset("create", "foreign", "hash:ip");
        ipset("add", "foreign", "192.0.2.1");
    }

    private String ipset(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "ipset"));
        argv.addAll(List.of(args));
        return Cmd.run(argv.toArray(String[]::new));
    }

    private Set<String> sets() {
        return new TreeSet<>(ipset("list", "-n").lines().toList());
    }

    /** "Type: hash:net" and the members, from {@code ipset list NAME}. */
    private String typeAndMembers(String set) {
        String list = ipset("list", set);
        String type = list.lines().filter(l -> l.startsWith("Type:")).findFirst().orElse("?");
        String header = list.lines().filter(l -> l.startsWith("Header:")).findFirst().orElse("?");
        String family = header.contains("family inet6") ? "inet6" : "inet";
        TreeSet<String> members = new TreeSet<>(list.substring(list.indexOf("Members:\n") + 9).lines()
                .filter(l -> !l.isBlank()).toList());
        return type + " " + family + " " + members;
    }

    private IpsetDriver driver() {
        IpsetDriver d = new IpsetDriver(runner);
        d.setIpSet(NETS, new IpSet(IpSetType.HASH_NET, 4, Set.of("10.65.0.0/26", "10.65.1.7/32")));
        d.setIpSet(PORTS, new IpSet(IpSetType.HASH_IP_PORT, 4, Set.of("10.65.0.5,tcp:80", "10.65.0.5,udp:53")));
        d.setIpSet(HOSTS6, new IpSet(IpSetType.HASH_IP, 6, Set.of("fd00:65::1", "fd00:65::2")));
        return d;
    }

    private static void assertOk(ApplyResult r) {
        assertTrue(r.ok(), r.summary());
    }

    @Test
    void setsAreCreatedWithTheirMembersAndAreAdoptedWithoutWrites() {
        IpsetDriver d = driver();
        ApplyResult first = d.apply();
        assertOk(first);
        assertEquals(3, first.writes());
        assertEquals(new TreeSet<>(List.of(NETS, PORTS, HOSTS6, "foreign")), sets());
        assertEquals("Type: hash:net inet [10.65.0.0/26, 10.65.1.7]", typeAndMembers(NETS));
        assertEquals("Type: hash:ip,port inet [10.65.0.5,tcp:80, 10.65.0.5,udp:53]", typeAndMembers(PORTS));
        assertEquals("Type: hash:ip inet6 [fd00:65::1, fd00:65::2]", typeAndMembers(HOSTS6));
        assertEquals("Type: hash:ip inet [192.0.2.1]", typeAndMembers("foreign"));
        d.queueResync();
        assertEquals(ApplyResult.NOTHING, d.apply());
        ApplyResult restarted = driver().apply();
        assertOk(restarted);
        assertEquals(0, restarted.writes());
    }

    @Test
    void changedMembersAreSwappedInWhileAnIptablesRuleUsesTheSet() {
        assertOk(driver().apply());
        // A rule using the set: a destroy-and-recreate would be refused, a swap is not.
        CommandRunner.Result rule = runner.run(List.of("iptables-nft", "-A", "INPUT", "-m", "set", "--match-set",
                NETS, "src", "-j", "DROP"), "");
        assertEquals(0, rule.exitCode(), rule.stderr());
        ipset("add", NETS, "10.99.0.1"); // tampering, found by the restarted driver's resync
        IpsetDriver d = driver();
        d.setIpSet(NETS, new IpSet(IpSetType.HASH_NET, 4, Set.of("10.65.0.0/26", "10.65.2.0/24")));
        ApplyResult r = d.applyUpdates();
        assertOk(r);
        assertEquals(1, r.writes());
        assertEquals("Type: hash:net inet [10.65.0.0/26, 10.65.2.0/24]", typeAndMembers(NETS));
        assertEquals(new TreeSet<>(List.of(NETS, PORTS, HOSTS6, "foreign")), sets(), "no temporary set left");
    }

    @Test
    void aSetThisDriverWroteGetsOnlyItsChangedMembers() {
        List<String> inputs = new java.util.ArrayList<>();
        IpsetDriver d = new IpsetDriver((argv, stdin) -> {
            inputs.add(stdin);
            return runner.run(argv, stdin);
        });
        java.util.Set<String> many = new TreeSet<>();
        for (int i = 1; i <= 50; i++) {
            many.add("10.66.0." + i);
        }
        d.setIpSet(NETS, new IpSet(IpSetType.HASH_NET, 4, many));
        assertOk(d.apply());
        many.remove("10.66.0.7");
        many.add("10.66.1.0/24");
        d.setIpSet(NETS, new IpSet(IpSetType.HASH_NET, 4, many));
        inputs.clear();
        ApplyResult r = d.applyUpdates();
        assertOk(r);
        assertEquals(1, r.writes());
        // Felix ipsets.go writeDeltas: deletions (tolerating an absent member), then additions; no temporary set.
        assertEquals(List.of("del " + NETS + " 10.66.0.7 --exist\nadd " + NETS + " 10.66.1.0/24\n"), inputs);
        List<String> listed = new java.util.ArrayList<>(many.stream().map(m -> m.endsWith("/32") ? m.substring(0,
                m.length() - 3) : m).toList());
        assertEquals("Type: hash:net inet " + new TreeSet<>(listed), typeAndMembers(NETS));
    }

    @Test
    void aSetOfAnotherTypeIsRecreatedBecauseSwapNeedsEqualTypes() {
        assertOk(driver().apply());
        IpsetDriver d = driver();
        d.setIpSet(HOSTS6, new IpSet(IpSetType.HASH_NET, 6, Set.of("fd00:65::/64")));
        ApplyResult r = d.apply();
        assertOk(r);
        assertEquals(1, r.writes());
        assertEquals("Type: hash:net inet6 [fd00:65::/64]", typeAndMembers(HOSTS6));
    }

    @Test
    void unwantedSetsAreDestroyedOnlyInTheDeletionPhaseAndOnlyOnceNoRuleUsesThem() {
        assertOk(driver().apply());
        ipset("create", IpSetNames.temp(4, 0), "hash:ip"); // a temporary set left by a crash
        CommandRunner.Result rule = runner.run(List.of("iptables-nft", "-A", "INPUT", "-m", "set", "--match-set",
                PORTS, "dst,dst", "-j", "DROP"), "");
        assertEquals(0, rule.exitCode(), rule.stderr());
        IpsetDriver d = driver();
        d.removeIpSet(PORTS);
        ApplyResult updates = d.applyUpdates();
        assertOk(updates);
        assertEquals(1, updates.writes(), "only the stale temporary set");
        assertEquals(new TreeSet<>(List.of(NETS, PORTS, HOSTS6, "foreign")), sets());

        ApplyResult refused = d.applyDeletions();
        assertEquals(1, refused.failures().size(), refused.summary());
        assertEquals("ipset restore line 1: destroy " + PORTS, refused.failures().get(0).object());
        assertTrue(refused.failures().get(0).error().contains("in use"), refused.failures().get(0).error());
        assertTrue(d.pendingCount() > 0);

        CommandRunner.Result unrule = runner.run(List.of("iptables-nft", "-D", "INPUT", "-m", "set", "--match-set",
                PORTS, "dst,dst", "-j", "DROP"), "");
        assertEquals(0, unrule.exitCode(), unrule.stderr());
        ApplyResult deleted = d.applyDeletions();
        assertOk(deleted);
        assertEquals(1, deleted.writes());
        assertEquals(new TreeSet<>(List.of(NETS, HOSTS6, "foreign")), sets());
        assertEquals("Type: hash:ip inet [192.0.2.1]", typeAndMembers("foreign"));
        assertEquals(0, d.pendingCount());
    }
}
