package dev.tabby.renderer.bench;

import dev.tabby.dataplane.iptables.CommandRunner;
import dev.tabby.renderer.state.TableKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tabby's part of a namespace's kernel state, as the save tools print it: the {@code cali4}/{@code cali6} IP sets
 * ({@code ipset save}) and, per IP version and table, the {@code cali-} chains with their rules and the
 * {@code cali:}-tagged rules in built-in chains ({@code iptables-save}). Restoring it into an empty namespace is the
 * benchmark's floor: the least any program must do to put the same state into the kernel.
 *
 * @param ipsets  {@code create}/{@code add} lines of the Calico sets
 * @param tables  per table that holds any of it, an {@code iptables-restore} input ({@code *table ... COMMIT})
 */
record TabbyKernelState(String ipsets, Map<TableKey, String> tables) {

    static TabbyKernelState read(CommandRunner ns, String backend) {
        StringBuilder sets = new StringBuilder();
        for (String line : Commands.run(ns, List.of("ipset", "save"), "").split("\n")) {
            String[] f = line.split(" ", 3);
            if (f.length >= 2 && (f[0].equals("create") || f[0].equals("add"))
                    && (f[1].startsWith("cali4") || f[1].startsWith("cali6"))) {
                sets.append(line).append('\n');
            }
        }
        Map<TableKey, String> tables = new LinkedHashMap<>();
        for (int v : List.of(4, 6)) {
            for (String table : TableKey.TABLES) {
                String save = Commands.run(ns, List.of(tool(v, backend, "save"), "-t", table), "");
                List<String> chains = new ArrayList<>();
                List<String> rules = new ArrayList<>();
                for (String line : save.split("\n")) {
                    if (line.startsWith(":cali-")) {
                        chains.add(line.substring(0, line.indexOf(' ')) + " - [0:0]");
                    } else if (line.startsWith("-A cali-") || line.startsWith("-A ") && line.contains("cali:")) {
                        rules.add(line);
                    }
                }
                if (!chains.isEmpty() || !rules.isEmpty()) {
                    StringBuilder b = new StringBuilder("*").append(table).append('\n');
                    chains.forEach(c -> b.append(c).append('\n'));
                    rules.forEach(r -> b.append(r).append('\n'));
                    tables.put(new TableKey(v, table), b.append("COMMIT\n").toString());
                }
            }
        }
        return new TabbyKernelState(sets.toString(), tables);
    }

    static String tool(int ipVersion, String backend, String what) {
        return (ipVersion == 6 ? "ip6tables-" : "iptables-") + backend + "-" + what;
    }

    /** Writes this state into an empty namespace in one ipset restore and one iptables-restore per table. */
    void restore(CommandRunner ns, String backend) {
        Commands.run(ns, List.of("ipset", "restore"), ipsets);
        tables.forEach((t, input) -> Commands.run(ns, List.of(tool(t.ipVersion(), backend, "restore"), "--noflush",
                "--wait", "10"), input));
    }

    int setCount() {
        return (int) ipsets.lines().filter(l -> l.startsWith("create ")).count();
    }

    int memberCount() {
        return (int) ipsets.lines().filter(l -> l.startsWith("add ")).count();
    }

    int chainCount() {
        return tables.values().stream().mapToInt(s -> (int) s.lines().filter(l -> l.startsWith(":")).count()).sum();
    }

    int ruleCount() {
        return tables.values().stream().mapToInt(s -> (int) s.lines().filter(l -> l.startsWith("-A ")).count()).sum();
    }

    /** Same sets, members, chains and rules (ipset's per-set hash seed and order aside). */
    boolean sameAs(TabbyKernelState o) {
        return sortedSetLines(ipsets).equals(sortedSetLines(o.ipsets)) && tables.equals(o.tables);
    }

    private static List<String> sortedSetLines(String s) {
        return s.lines().map(l -> l.replaceAll(" initval 0x[0-9a-f]+", "")).sorted().toList();
    }
}
