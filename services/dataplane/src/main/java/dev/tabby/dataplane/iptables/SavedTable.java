package dev.tabby.dataplane.iptables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One table as {@code iptables-save -t TABLE} prints it: every chain, and per chain its rules' {@code cali:} hashes
 * ("" for a rule that carries none, i.e. is not ours) and their text after {@code -A CHAIN}. This is how Felix v3.18
 * iptables/table.go getHashesAndRulesFromDataplane reads the kernel.
 */
record SavedTable(Map<String, List<String>> hashes, Map<String, List<String>> rules) {
    // Felix table.go NewTable: `--comment "?cali:([a-zA-Z0-9_-]+)"?`.
    private static final Pattern HASH = Pattern.compile("--comment \"?" + Pattern.quote(RuleHashes.PREFIX)
            + "([a-zA-Z0-9_-]+)\"?");

    static SavedTable parse(String save) {
        Map<String, List<String>> hashes = new LinkedHashMap<>();
        Map<String, List<String>> rules = new LinkedHashMap<>();
        for (String line : save.split("\n")) {
            if (line.startsWith(":")) {
                String chain = line.substring(1).split(" ", 2)[0];
                hashes.putIfAbsent(chain, new ArrayList<>());
                rules.putIfAbsent(chain, new ArrayList<>());
            } else if (line.startsWith("-A ")) {
                String[] parts = line.split(" ", 3);
                String chain = parts[1];
                String rule = parts.length > 2 ? parts[2] : "";
                Matcher m = HASH.matcher(rule);
                hashes.computeIfAbsent(chain, c -> new ArrayList<>()).add(m.find() ? m.group(1) : "");
                rules.computeIfAbsent(chain, c -> new ArrayList<>()).add(rule);
            }
        }
        return new SavedTable(hashes, rules);
    }
}
