package dev.tabby.dataplane.iptables;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.Driver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Converges Tabby's part of one iptables table (filter, nat, raw or mangle) for one IP version, as Felix v3.18
 * iptables/table.go does. Tabby's part is every chain whose name starts with {@code cali-}, and the rules in
 * built-in chains that carry a {@code cali:<hash>} comment ("hooks", inserted at the top); nothing else is read as
 * ours or ever changed.
 *
 * <p>{@link #apply()} compares the {@link RuleHashes} it expects with those {@code iptables-save} shows and writes the
 * difference in one {@code iptables-restore --noflush --wait} call: a chain whose hashes differ is flushed and
 * rewritten whole, a built-in chain whose hooks differ has its {@code cali:} rules deleted and the hooks inserted
 * again, and {@code cali-} chains no longer desired are flushed, then deleted in a second transaction of the same
 * input. Only chains the hooks reach are written (Felix programs referenced chains only). A new instance starts
 * with a resync queued, so it adopts a correct kernel with no writes.
 */
public final class IptablesTable implements Driver {
    private static final Logger LOG = Logger.getLogger(IptablesTable.class);
    /** Felix's chain prefix: every chain Tabby owns starts with it. */
    public static final String CHAIN_PREFIX = "cali-";
    /**
     * How long iptables-restore waits for the xtables lock another program holds (legacy backend only; nft has no
     * such lock). Felix passes --wait with its XtablesLockTimeout; after it, the apply fails and the loop retries.
     */
    static final String LOCK_WAIT_SECONDS = "10";
    private static final Map<String, Set<String>> BUILT_IN = Map.of(
            "filter", Set.of("INPUT", "FORWARD", "OUTPUT"),
            "nat", Set.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
            "raw", Set.of("PREROUTING", "OUTPUT"),
            "mangle", Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"));
    private static final Pattern ERROR_LINE = Pattern.compile("Error occurred at line: (\\d+)");

    private final CommandRunner runner;
    private final String table;
    private final String save;
    private final String restore;
    private final String name;
    private final Map<String, List<String>> desiredChains = new HashMap<>();
    /** The desired chains' rule hashes, computed once per change of a chain rather than on every apply. */
    private final Map<String, List<String>> desiredHashes = new HashMap<>();
    /** The cali- chains each desired chain jumps or goes to, for {@link #referenced()}. */
    private final Map<String, Set<String>> desiredTargets = new HashMap<>();
    private final Map<String, List<String>> desiredHooks = new HashMap<>();
    private final Map<String, List<String>> desiredAppends = new HashMap<>();
    // What the kernel holds as far as we know: chain -> rule hashes ("" = not ours), and the rules' text.
    private Map<String, List<String>> dataplaneHashes = Map.of();
    private Map<String, List<String>> dataplaneRules = Map.of();
    private boolean resyncQueued = true;

    /**
     * @param ipVersion 4 for iptables-*, 6 for ip6tables-*
     * @param table     filter, nat, raw or mangle
     */
    public IptablesTable(CommandRunner runner, IptablesBackend backend, int ipVersion, String table) {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion + " is neither 4 nor 6");
        }
        if (!BUILT_IN.containsKey(table)) {
            throw new IllegalArgumentException("iptables table " + table + " is not one of " + new TreeMap<>(BUILT_IN).keySet());
        }
        this.runner = runner;
        this.table = table;
        this.save = backend.command(ipVersion, "save");
        this.restore = backend.command(ipVersion, "restore");
        this.name = (ipVersion == 6 ? "ip6tables " : "iptables ") + table + " (" + backend + ")";
    }

    @Override
    public String name() {
        return name;
    }

    /** Wants chain {@code chain} (must start with {@code cali-}) to hold exactly {@code rules}, in order. */
    public void setChain(String chain, List<String> rules) {
        if (!chain.startsWith(CHAIN_PREFIX)) {
            throw new IllegalArgumentException(name + ": chain " + chain + " does not start with " + CHAIN_PREFIX
                    + "; Tabby only owns its own chains");
        }
        for (String rule : rules) {
            if (rule.contains("\n")) {
                throw new IllegalArgumentException(name + ": rule in " + chain + " spans lines: " + rule);
            }
        }
        List<String> copy = List.copyOf(rules);
        if (!copy.equals(desiredChains.put(chain, copy))) {
            desiredHashes.put(chain, RuleHashes.of(chain, copy));
            desiredTargets.put(chain, targets(copy));
        }
    }

    public void removeChain(String chain) {
        desiredChains.remove(chain);
        desiredHashes.remove(chain);
        desiredTargets.remove(chain);
    }

    /** Makes {@code chains} the whole set of desired chains: other {@code cali-} chains are deleted. */
    public void replaceAllChains(Map<String, List<String>> chains) {
        chains.keySet().forEach(c -> {
            if (!c.startsWith(CHAIN_PREFIX)) {
                throw new IllegalArgumentException(name + ": chain " + c + " does not start with " + CHAIN_PREFIX);
            }
        });
        desiredChains.clear();
        desiredHashes.clear();
        desiredTargets.clear();
        chains.forEach(this::setChain);
    }

    /**
     * Wants {@code rules} at the top of built-in chain {@code builtIn}, above every rule that is not ours, e.g.
     * INPUT -> ["-j cali-INPUT"]. An empty list removes our rules from it.
     */
    public void setHooks(String builtIn, List<String> rules) {
        setHooks(builtIn, rules, List.of());
    }

    /**
     * Wants {@code insert} at the top of built-in chain {@code builtIn} and {@code append} at its end, around every
     * rule that is not ours (Felix's insert mode, plus the rules it appends to FORWARD). Empty lists remove ours.
     */
    public void setHooks(String builtIn, List<String> insert, List<String> append) {
        if (!BUILT_IN.get(table).contains(builtIn)) {
            throw new IllegalArgumentException(name + ": " + builtIn + " is not a built-in chain of table " + table
                    + "; built-ins are " + BUILT_IN.get(table));
        }
        putOrRemove(desiredHooks, builtIn, insert);
        putOrRemove(desiredAppends, builtIn, append);
    }

    private static void putOrRemove(Map<String, List<String>> map, String key, List<String> rules) {
        if (rules.isEmpty()) {
            map.remove(key);
        } else {
            map.put(key, List.copyOf(rules));
        }
    }

    @Override
    public void queueResync() {
        resyncQueued = true;
    }

    @Override
    public int pendingCount() {
        return plan().changes;
    }

    /**
     * Reads the table from the kernel when a resync is queued, else does nothing. A caller writing several tables
     * reads them all first: with nftables, {@code iptables-nft-save -t filter} fetches the whole ruleset, so a read
     * after the other tables were written costs seconds where a read before costs milliseconds.
     */
    public ApplyResult readIfQueued() {
        return resyncQueued ? adoptRead(run(readCommand(), "")) : ApplyResult.NOTHING;
    }

    /** Whether the next apply reads the table first. */
    public boolean readQueued() {
        return resyncQueued;
    }

    /** The command that reads this table; a caller may run it ahead (on another thread) and hand {@link #adoptRead} the result. */
    public List<String> readCommand() {
        return List.of(save, "-t", table);
    }

    /** Takes what {@link #readCommand()} printed as the kernel's state; on a failure the read stays queued. */
    public ApplyResult adoptRead(CommandRunner.Result r) {
        if (!r.ok()) {
            return ApplyResult.failed(name, "table " + table, save + " -t " + table + " exited " + r.exitCode()
                    + ": " + firstLine(r.stderr()));
        }
        SavedTable saved = SavedTable.parse(r.stdout());
        dataplaneHashes = saved.hashes();
        dataplaneRules = saved.rules();
        resyncQueued = false;
        return ApplyResult.NOTHING;
    }

    @Override
    public ApplyResult apply() {
        ApplyResult read = readIfQueued();
        if (!read.ok()) {
            return read;
        }
        Plan plan = plan();
        if (plan.changes == 0) {
            return ApplyResult.NOTHING;
        }
        String input = plan.render(table);
        CommandRunner.Result r = run(List.of(restore, "--noflush", "--verbose", "--wait", LOCK_WAIT_SECONDS), input);
        if (!r.ok()) {
            // The state of the table is not certain any more (a lock timeout, a concurrent writer): read it again.
            resyncQueued = true;
            return ApplyResult.failed(name, failedLine(input, r.stderr()), restore + " exited " + r.exitCode() + ": "
                    + firstLine(r.stderr()));
        }
        Map<String, List<String>> hashes = new HashMap<>(dataplaneHashes);
        Map<String, List<String>> rules = new HashMap<>(dataplaneRules);
        hashes.putAll(plan.newHashes);
        rules.putAll(plan.newRules);
        plan.deletedChains.forEach(c -> {
            hashes.remove(c);
            rules.remove(c);
        });
        dataplaneHashes = hashes;
        dataplaneRules = rules;
        LOG.infof("event=iptables-applied table=%s command=%s chainsWritten=%d chainsDeleted=%d",
                table, restore, plan.changes - plan.deletedChains.size(), plan.deletedChains.size());
        return new ApplyResult(plan.changes, List.of());
    }

    private CommandRunner.Result run(List<String> argv, String stdin) {
        try {
            return runner.run(argv, stdin);
        } catch (IllegalStateException e) {
            return new CommandRunner.Result(-1, "", e.getMessage());
        }
    }

    /** The {@code cali-} chains the rules jump ({@code -j}, {@code --jump}) or go ({@code -g}, {@code --goto}) to. */
    static Set<String> targets(List<String> rules) {
        Set<String> out = new java.util.HashSet<>();
        for (String rule : rules) {
            String[] tokens = rule.split(" ");
            for (int i = 0; i < tokens.length - 1; i++) {
                String t = tokens[i];
                if ((t.equals("-j") || t.equals("--jump") || t.equals("-g") || t.equals("--goto"))
                        && tokens[i + 1].startsWith(CHAIN_PREFIX)) {
                    out.add(tokens[i + 1]);
                }
            }
        }
        return out;
    }

    /**
     * The desired chains that the hooks reach, directly or through other chains: only these are written, as Felix
     * table.go programs only referenced chains. A chain desired but unreachable (a policy chain put into every table
     * while only one table's endpoint chains use it) stays out of the kernel.
     */
    private Set<String> referenced() {
        Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        for (Map<String, List<String>> hooks : List.of(desiredHooks, desiredAppends)) {
            hooks.values().forEach(rules -> todo.addAll(targets(rules)));
        }
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (seen.add(c)) {
                todo.addAll(desiredTargets.getOrDefault(c, Set.of()));
            }
        }
        seen.retainAll(desiredChains.keySet());
        return seen;
    }

    /** The difference between desired and the kernel, as iptables-restore lines. */
    private Plan plan() {
        Plan p = new Plan();
        Set<String> wanted = referenced();
        for (Map.Entry<String, List<String>> e : new TreeMap<>(desiredChains).entrySet()) {
            String chain = e.getKey();
            if (!wanted.contains(chain)) {
                continue;
            }
            List<String> expected = desiredHashes.get(chain);
            if (expected.equals(dataplaneHashes.get(chain))) {
                continue;
            }
            // Felix (nftables mode, and legacy for a chain it has no hashes for) flushes by re-declaring the
            // chain, then appends every rule: one atomic rewrite.
            p.declare.add(chain);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                lines.add(comment(expected.get(i)) + " " + e.getValue().get(i));
                p.rules.add("-A " + chain + " " + lines.get(i));
            }
            p.newHashes.put(chain, expected);
            p.newRules.put(chain, lines);
            p.changes++;
        }
        for (String builtIn : BUILT_IN.get(table).stream().sorted().toList()) {
            planHooks(p, builtIn);
        }
        for (String chain : new TreeMap<>(dataplaneHashes).keySet()) {
            if (chain.startsWith(CHAIN_PREFIX) && !wanted.contains(chain)) {
                p.declare.add(chain);
                p.deletedChains.add(chain);
                p.changes++;
            }
        }
        return p;
    }

    /**
     * Felix table.go expectedHashesForInsertAppendChain, insert mode: our inserted hooks first, then the others'
     * rules, then our appended ones.
     */
    private void planHooks(Plan p, String builtIn) {
        List<String> ours = desiredHooks.getOrDefault(builtIn, List.of());
        List<String> appends = desiredAppends.getOrDefault(builtIn, List.of());
        List<String> actual = dataplaneHashes.getOrDefault(builtIn, List.of());
        List<String> actualRules = dataplaneRules.getOrDefault(builtIn, List.of());
        List<String> ourHashes = RuleHashes.of(builtIn, ours);
        List<String> appendHashes = RuleHashes.of(builtIn, appends);
        List<String> others = new ArrayList<>();
        List<String> expected = new ArrayList<>(ourHashes);
        for (int i = 0; i < actual.size(); i++) {
            if (actual.get(i).isEmpty()) {
                expected.add("");
                others.add(actualRules.get(i));
            }
        }
        expected.addAll(appendHashes);
        if (expected.equals(actual)) {
            return;
        }
        for (int i = 0; i < actual.size(); i++) {
            if (!actual.get(i).isEmpty()) {
                p.rules.add("-D " + builtIn + " " + actualRules.get(i));
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            lines.add(comment(ourHashes.get(i)) + " " + ours.get(i));
        }
        // Inserted last-first, so the first hook ends on top.
        for (int i = lines.size() - 1; i >= 0; i--) {
            p.rules.add("-I " + builtIn + " " + lines.get(i));
        }
        List<String> appendLines = new ArrayList<>();
        for (int i = 0; i < appends.size(); i++) {
            appendLines.add(comment(appendHashes.get(i)) + " " + appends.get(i));
            p.rules.add("-A " + builtIn + " " + appendLines.get(i));
        }
        List<String> allRules = new ArrayList<>(lines);
        allRules.addAll(others);
        allRules.addAll(appendLines);
        p.newHashes.put(builtIn, expected);
        p.newRules.put(builtIn, allRules);
        p.changes++;
    }

    private static String comment(String hash) {
        return "-m comment --comment \"" + RuleHashes.PREFIX + hash + "\"";
    }

    /** "line N: <that input line>" from iptables-restore's "Error occurred at line: N", or the table when absent. */
    private String failedLine(String input, String stderr) {
        Matcher m = ERROR_LINE.matcher(stderr);
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            String[] lines = input.split("\n");
            String text = n >= 1 && n <= lines.length ? lines[n - 1] : "?";
            return "table " + table + " line " + n + ": " + text;
        }
        return "table " + table;
    }

    private static String firstLine(String s) {
        return s.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("(no message)");
    }

    private static final class Plan {
        final List<String> declare = new ArrayList<>();
        final List<String> rules = new ArrayList<>();
        final List<String> deletedChains = new ArrayList<>();
        final Map<String, List<String>> newHashes = new LinkedHashMap<>();
        final Map<String, List<String>> newRules = new LinkedHashMap<>();
        int changes;

        /**
         * One restore input: the first transaction declares (and so flushes) every chain to rewrite or delete, then
         * writes the rules; a second one deletes the chains, as Felix table.go applyUpdates does, so that the rules
         * referring to them are gone first.
         */
        String render(String table) {
            StringBuilder b = new StringBuilder();
            b.append('*').append(table).append('\n');
            declare.forEach(c -> b.append(':').append(c).append(" - [0:0]\n"));
            rules.forEach(r -> b.append(r).append('\n'));
            b.append("COMMIT\n");
            if (!deletedChains.isEmpty()) {
                b.append('*').append(table).append('\n');
                deletedChains.forEach(c -> b.append(':').append(c).append(" - [0:0]\n"));
                deletedChains.forEach(c -> b.append("-X ").append(c).append('\n'));
                b.append("COMMIT\n");
            }
            return b.toString();
        }
    }
}
