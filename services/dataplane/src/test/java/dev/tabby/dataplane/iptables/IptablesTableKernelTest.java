package dev.tabby.dataplane.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IptablesTable against real iptables in a namespace of its own; {@code iptables-save} in that namespace is the
 * oracle. Behaviour follows Felix v3.18 iptables/table.go.
 */
class IptablesTableKernelTest {
    private static final List<String> INPUT_RULES = List.of("-m conntrack --ctstate INVALID -j DROP", "-j ACCEPT");
    private static final List<String> FORWARD_RULES = List.of("-s 10.65.0.0/16 -j ACCEPT");

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private TestNamespace ns;
    private CommandRunner runner;

    @BeforeEach
    void namespace() {
        ns = netns.create();
        runner = CommandRunner.inNamespace(ns.name());
        // Someone else's rule and chain, which Tabby must never touch.
        restore("iptables-nft-restore", "*filter\n:foreign - [0:0]\n-A foreign -s 192.0.2.9/32 -j DROP\n"
                + "-A INPUT -s 192.0.2.1/32 -j DROP\nCOMMIT\n");
    }

    private void restore(String command, String input) {
        CommandRunner.Result r = runner.run(List.of(command, "--noflush"), input);
        assertEquals(0, r.exitCode(), r.stderr());
    }

    private IptablesTable filter() {
        IptablesTable t = new IptablesTable(runner, IptablesBackend.NFT, 4, "filter");
        t.setChain("cali-INPUT", INPUT_RULES);
        t.setChain("cali-FORWARD", FORWARD_RULES);
        t.setHooks("INPUT", List.of("-j cali-INPUT"));
        t.setHooks("FORWARD", List.of("-j cali-FORWARD"));
        t.setHooks("OUTPUT", List.of("-j ACCEPT"));
        return t;
    }

    /** The table's chain declarations and rules as iptables-save prints them, without counters or comments. */
    private List<String> saved(String command) {
        return saved(command, "filter");
    }

    private List<String> saved(String command, String table) {
        return Cmd.run("ip", "netns", "exec", ns.name(), command, "-t", table).lines()
                .filter(l -> l.startsWith("-A ") || l.startsWith(":"))
                .map(l -> l.startsWith(":") ? l.split(" ")[0] : l)
                .collect(Collectors.toList());
    }

    /** Our rule as iptables-save prints it: a leading "-s ADDR" (a core field) comes before the comment match. */
    private static String ours(String chain, List<String> rules, int i) {
        String rule = rules.get(i);
        String source = "";
        if (rule.startsWith("-s ")) {
            String[] f = rule.split(" ", 3);
            source = "-s " + f[1] + " ";
            rule = f[2];
        }
        return "-A " + chain + " " + source + "-m comment --comment \"cali:" + RuleHashes.of(chain, rules).get(i)
                + "\" " + rule;
    }

    private static List<String> expectedFilter() {
        return List.of(":INPUT", ":FORWARD", ":OUTPUT", ":cali-FORWARD", ":cali-INPUT", ":foreign",
                ours("INPUT", List.of("-j cali-INPUT"), 0),
                "-A INPUT -s 192.0.2.1/32 -j DROP",
                ours("FORWARD", List.of("-j cali-FORWARD"), 0),
                ours("OUTPUT", List.of("-j ACCEPT"), 0),
                ours("cali-FORWARD", FORWARD_RULES, 0),
                ours("cali-INPUT", INPUT_RULES, 0),
                ours("cali-INPUT", INPUT_RULES, 1),
                "-A foreign -s 192.0.2.9/32 -j DROP");
    }

    private static void assertOk(ApplyResult r) {
        assertTrue(r.ok(), r.summary());
    }

    @Test
    void firstApplyWritesExactlyTheDesiredStateAndTheSecondWritesNothing() {
        IptablesTable t = filter();
        ApplyResult first = t.apply();
        assertOk(first);
        assertEquals(5, first.writes(), "2 chains and 3 hooked built-in chains");
        assertEquals(expectedFilter(), saved("iptables-nft-save"));
        assertEquals(0, t.pendingCount());
        t.queueResync();
        assertEquals(ApplyResult.NOTHING, t.apply());
    }

    @Test
    void appendedHooksGoBelowForeignRulesAndAreAdoptedAndRepaired() {
        // Felix appends two rules to FORWARD (rules/static.go StaticFilterForwardAppendRules) below everyone's.
        restore("iptables-nft-restore", "*filter\n-A FORWARD -s 192.0.2.7/32 -j DROP\nCOMMIT\n");
        List<String> append = List.of("-m mark --mark 0x10000/0x10000 -j ACCEPT", "-j MARK --set-xmark 0x10000/0x10000");
        IptablesTable t = new IptablesTable(runner, IptablesBackend.NFT, 4, "filter");
        t.setChain("cali-FORWARD", FORWARD_RULES);
        t.setHooks("FORWARD", List.of("-j cali-FORWARD"), append);
        assertOk(t.apply());
        List<String> forward = saved("iptables-nft-save").stream().filter(l -> l.startsWith("-A FORWARD")).toList();
        List<String> appendHashes = RuleHashes.of("FORWARD", append);
        List<String> want = List.of(ours("FORWARD", List.of("-j cali-FORWARD"), 0),
                "-A FORWARD -s 192.0.2.7/32 -j DROP",
                "-A FORWARD -m comment --comment \"cali:" + appendHashes.get(0) + "\" -m mark --mark 0x10000/0x10000 -j ACCEPT",
                "-A FORWARD -m comment --comment \"cali:" + appendHashes.get(1) + "\" -j MARK --set-xmark 0x10000/0x10000");
        assertEquals(want, forward);

        IptablesTable restarted = new IptablesTable(runner, IptablesBackend.NFT, 4, "filter");
        restarted.setChain("cali-FORWARD", FORWARD_RULES);
        restarted.setHooks("FORWARD", List.of("-j cali-FORWARD"), append);
        ApplyResult adopt = restarted.apply();
        assertOk(adopt);
        assertEquals(0, adopt.writes(), "adopted as it is");

        // Someone appends below ours: ours move back to the end.
        restore("iptables-nft-restore", "*filter\n-A FORWARD -s 192.0.2.8/32 -j DROP\nCOMMIT\n");
        restarted.queueResync();
        assertOk(restarted.apply());
        List<String> after = saved("iptables-nft-save").stream().filter(l -> l.startsWith("-A FORWARD")).toList();
        assertEquals(List.of(want.get(0), want.get(1), "-A FORWARD -s 192.0.2.8/32 -j DROP", want.get(2), want.get(3)), after);
    }

    @Test
    void aRestartedDriverAdoptsACorrectTableWithoutWrites() {
        assertOk(filter().apply());
        ApplyResult restarted = filter().apply();
        assertOk(restarted);
        assertEquals(0, restarted.writes());
        assertEquals(expectedFilter(), saved("iptables-nft-save"));
    }

    @Test
    void tamperingIsRepairedAfterAResync() {
        IptablesTable t = filter();
        assertOk(t.apply());
        restore("iptables-nft-restore", "*filter\n:cali-INPUT - [0:0]\n-I cali-FORWARD -j DROP\n"
                + "-D INPUT -m comment --comment \"cali:" + RuleHashes.of("INPUT", List.of("-j cali-INPUT")).get(0)
                + "\" -j cali-INPUT\n-A INPUT -j cali-INPUT\nCOMMIT\n");
        ApplyResult repaired = filter().apply();
        assertOk(repaired);
        assertEquals(3, repaired.writes(), "cali-INPUT flushed, cali-FORWARD edited, INPUT hook moved and stripped");
        // The hand-made "-j cali-INPUT" without our comment is someone else's rule: kept, below our hook.
        List<String> want = new ArrayList<>(expectedFilter());
        want.add(want.indexOf("-A INPUT -s 192.0.2.1/32 -j DROP") + 1, "-A INPUT -j cali-INPUT");
        assertEquals(want, saved("iptables-nft-save"));
    }

    @Test
    void chainsNoLongerDesiredAreDeletedWithTheirHooksAndForeignOnesStay() {
        IptablesTable t = filter();
        assertOk(t.apply());
        restore("iptables-nft-restore", "*filter\n:cali-stale - [0:0]\n-A cali-stale -j DROP\nCOMMIT\n");
        IptablesTable restarted = filter();
        restarted.removeChain("cali-FORWARD");
        restarted.setHooks("FORWARD", List.of());
        ApplyResult r = restarted.apply();
        assertOk(r);
        assertEquals(3, r.writes(), "cali-FORWARD and cali-stale deleted, FORWARD hook removed");
        List<String> want = new ArrayList<>(expectedFilter());
        want.remove(":cali-FORWARD");
        want.remove(ours("FORWARD", List.of("-j cali-FORWARD"), 0));
        want.remove(ours("cali-FORWARD", FORWARD_RULES, 0));
        assertEquals(want, saved("iptables-nft-save"));
    }

    @Test
    void anInvalidRuleIsReportedWithTableLineAndMessageAndStaysPending() {
        IptablesTable t = filter();
        t.setChain("cali-bad", List.of("-m nosuchmatch --foo -j DROP"));
        t.setChain("cali-INPUT", withJumpTo("cali-bad"));
        ApplyResult r = t.apply();
        assertEquals(1, r.failures().size(), r.summary());
        ApplyResult.Failure f = r.failures().get(0);
        assertEquals("iptables filter (nft)", f.driver());
        assertTrue(f.object().startsWith("table filter line "), f.object());
        assertTrue(f.object().endsWith("-A cali-bad -m comment --comment \"cali:"
                + RuleHashes.of("cali-bad", List.of("-m nosuchmatch --foo -j DROP")).get(0)
                + "\" -m nosuchmatch --foo -j DROP"), f.object());
        assertTrue(f.error().contains("Couldn't load match `nosuchmatch'"), f.error());
        // iptables-restore commits a table atomically: nothing of the batch is in the kernel.
        assertEquals(List.of(":INPUT", ":FORWARD", ":OUTPUT", ":foreign", "-A INPUT -s 192.0.2.1/32 -j DROP",
                "-A foreign -s 192.0.2.9/32 -j DROP"), saved("iptables-nft-save"));
        assertTrue(t.pendingCount() > 0);
        t.removeChain("cali-bad");
        t.setChain("cali-INPUT", INPUT_RULES);
        assertOk(t.apply());
        assertEquals(expectedFilter(), saved("iptables-nft-save"));
    }

    private static List<String> withJumpTo(String chain) {
        List<String> rules = new ArrayList<>(INPUT_RULES);
        rules.add("-j " + chain);
        return rules;
    }

    @Test
    void onlyChainsTheHooksReachAreWrittenAndUnreachedOnesAreRemoved() {
        IptablesTable t = filter();
        t.setChain("cali-pi-unused", List.of("-j DROP"));
        assertOk(t.apply());
        assertEquals(expectedFilter(), saved("iptables-nft-save"), "a chain nothing jumps to is not written");
        t.setChain("cali-INPUT", withJumpTo("cali-pi-unused"));
        assertOk(t.apply());
        assertTrue(saved("iptables-nft-save").contains(":cali-pi-unused"), "written once cali-INPUT jumps to it");
        t.setChain("cali-INPUT", INPUT_RULES);
        assertOk(t.apply());
        assertEquals(expectedFilter(), saved("iptables-nft-save"), "removed again when nothing jumps to it");
    }

    @Test
    void ipv6GoesThroughIp6tables() {
        IptablesTable t = new IptablesTable(runner, IptablesBackend.NFT, 6, "filter");
        List<String> rules = List.of("-s fd00:65::/48 -j ACCEPT");
        t.setChain("cali-INPUT", rules);
        t.setHooks("INPUT", List.of("-j cali-INPUT"));
        assertOk(t.apply());
        assertEquals(List.of(":INPUT", ":FORWARD", ":OUTPUT", ":cali-INPUT",
                ours("INPUT", List.of("-j cali-INPUT"), 0), ours("cali-INPUT", rules, 0)),
                saved("ip6tables-nft-save"));
        assertEquals(0, adopt6(rules), "a restarted IPv6 driver adopts without writes");
    }

    private int adopt6(List<String> rules) {
        IptablesTable restarted = new IptablesTable(runner, IptablesBackend.NFT, 6, "filter");
        restarted.setChain("cali-INPUT", rules);
        restarted.setHooks("INPUT", List.of("-j cali-INPUT"));
        ApplyResult r = restarted.apply();
        assertOk(r);
        return r.writes();
    }

    @Test
    void theXtablesLockHeldByAnotherProgramDelaysTheApplyButDoesNotFailIt() throws Exception {
        // iptables-legacy serialises writers with flock on /run/xtables.lock (XT_LOCK_NAME); iptables-nft has no
        // such lock, so this runs on the legacy backend.
        Process holder = new ProcessBuilder("ip", "netns", "exec", ns.name(), "flock", "/run/xtables.lock",
                "sleep", "2").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Cmd.exec("ip", "netns", "exec", ns.name(), "flock", "-n", "/run/xtables.lock", "true").exitCode() == 0) {
                assertTrue(System.nanoTime() < deadline, "the holder never took /run/xtables.lock");
                Thread.sleep(20);
            }
            IptablesTable t = new IptablesTable(runner, IptablesBackend.LEGACY, 4, "filter");
            t.setChain("cali-INPUT", INPUT_RULES);
            t.setHooks("INPUT", List.of("-j cali-INPUT"));
            ApplyResult r = t.apply();
            // Had the apply not waited for the lock, the holder would still have most of its 2 s sleep ahead.
            assertTrue(holder.waitFor(500, TimeUnit.MILLISECONDS), "the apply returned while the lock was still held");
            assertOk(r);
            assertEquals(2, r.writes(), "the chain and its hook");
            assertEquals(List.of(":INPUT", ":FORWARD", ":OUTPUT", ":cali-INPUT", ours("INPUT", List.of("-j cali-INPUT"), 0),
                    ours("cali-INPUT", INPUT_RULES, 0), ours("cali-INPUT", INPUT_RULES, 1)), saved("iptables-legacy-save"));
        } finally {
            holder.destroy();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void autoPicksTheBackendHoldingMoreRulesAndASettingOverridesIt() {
        // The namespace holds 2 nft rules (see namespace()) and no legacy ones.
        assertEquals(IptablesBackend.NFT, IptablesBackend.select("Auto", runner));
        assertEquals(IptablesBackend.LEGACY, IptablesBackend.select("Legacy", runner));
        assertEquals(IptablesBackend.NFT, IptablesBackend.select("NFT", runner));
        StringBuilder legacy = new StringBuilder("*filter\n");
        for (int i = 0; i < 3; i++) {
            legacy.append("-A INPUT -s 192.0.2.").append(10 + i).append("/32 -j DROP\n");
        }
        restore("iptables-legacy-restore", legacy.append("COMMIT\n").toString());
        assertEquals(IptablesBackend.LEGACY, IptablesBackend.select("auto", runner));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IptablesBackend.select("nftables", runner));
        assertEquals("iptablesBackend nftables is not one of Legacy, NFT, Auto", e.getMessage());
    }

    @Test
    void otherTablesHookTheirOwnBuiltInChains() {
        IptablesTable nat = new IptablesTable(runner, IptablesBackend.NFT, 4, "nat");
        List<String> rules = List.of("-s 10.65.0.0/16 -d 10.65.0.0/16 -j RETURN", "-s 10.65.0.0/16 -j MASQUERADE");
        nat.setChain("cali-nat-outgoing", rules);
        nat.setHooks("POSTROUTING", List.of("-j cali-nat-outgoing"));
        ApplyResult r = nat.apply();
        assertOk(r);
        assertEquals(2, r.writes());
        List<String> natRules = saved("iptables-nft-save", "nat").stream().filter(l -> l.startsWith("-A")).toList();
        String h0 = RuleHashes.of("cali-nat-outgoing", rules).get(0);
        String h1 = RuleHashes.of("cali-nat-outgoing", rules).get(1);
        assertEquals(List.of(ours("POSTROUTING", List.of("-j cali-nat-outgoing"), 0),
                "-A cali-nat-outgoing -s 10.65.0.0/16 -d 10.65.0.0/16 -m comment --comment \"cali:" + h0 + "\" -j RETURN",
                "-A cali-nat-outgoing -s 10.65.0.0/16 -m comment --comment \"cali:" + h1 + "\" -j MASQUERADE"),
                natRules);
        assertEquals(expectedFilter().subList(0, 3), saved("iptables-nft-save").subList(0, 3));
    }

    @Test
    void refusesChainsThatAreNotTabbys() {
        IptablesTable t = filter();
        assertThrows(IllegalArgumentException.class, () -> t.setChain("foreign", List.of()));
        assertThrows(IllegalArgumentException.class, () -> t.setHooks("PREROUTING", List.of("-j ACCEPT")));
        assertFalse(t.name().isEmpty());
    }
}
