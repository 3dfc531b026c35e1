package dev.tabby.dataplane.ipset;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.Driver;
import dev.tabby.dataplane.iptables.CommandRunner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Converges Calico's IP sets (names starting "cali4" or "cali6", see {@link IpSetNames}) to the desired ones, as
 * Felix v3.18 ipsets/ipsets.go does, and never touches another set. The kernel is read with {@code ipset save} and
 * written with one {@code ipset restore} per phase: a new set is created and filled; a set this driver wrote since
 * the last read gets only its changed members ({@code del}, {@code add}: a label change costs a few lines, not the
 * whole set); any other set whose members differ is rebuilt as a temporary set and swapped in, so iptables rules
 * using it never see it half-filled, then the temporary set is destroyed (Felix writeDeltas and writeFullRewrite).
 *
 * <p>Sets are written in two phases because a set still used by an iptables rule cannot be destroyed: the caller runs
 * {@link #applyUpdates()} before the iptables drivers (so new rules find their sets) and {@link #applyDeletions()}
 * after them (so the rules that used unwanted sets are gone). {@link #apply()} runs both, for a caller with no
 * iptables rules in between.
 */
public final class IpsetDriver implements Driver {
    /** The command that reads the sets; a caller may run it ahead and hand {@link #adoptRead} the result. */
    public static final List<String> READ_COMMAND = List.of("ipset", "save");

    private static final Logger LOG = Logger.getLogger(IpsetDriver.class);
    /** Felix's default MaxIPSetSize: room for every member a large cluster may need. */
    static final int MAX_ELEMENTS = 1048576;
    private static final Pattern ERROR_LINE = Pattern.compile("Error in line (\\d+): (.*)");

    private final CommandRunner runner;
    private final String name = "ipsets";
    private final Map<String, IpSet> desired = new HashMap<>();
    // Our sets in the kernel as far as we know; the value is null for a set of a type Tabby does not use.
    private Map<String, IpSet> actual = new HashMap<>();
    /** Sets whose kernel content is exactly what this driver last wrote, since the last read: deltas are safe. */
    private final Set<String> writtenSinceRead = new HashSet<>();
    private boolean resyncQueued = true;

    public IpsetDriver(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String name() {
        return name;
    }

    /** Wants set {@code setName} (from {@link IpSetNames#main}) to hold exactly {@code set}. */
    public void setIpSet(String setName, IpSet set) {
        if (!IpSetNames.owned(setName) || IpSetNames.isTemp(setName) || setName.length() > IpSetNames.MAX_LENGTH) {
            throw new IllegalArgumentException(name + ": set name " + setName
                    + " is not a Calico main set name; build it with IpSetNames.main");
        }
        desired.put(setName, set);
    }

    public void removeIpSet(String setName) {
        desired.remove(setName);
    }

    @Override
    public void queueResync() {
        resyncQueued = true;
    }

    @Override
    public int pendingCount() {
        int n = 0;
        for (Map.Entry<String, IpSet> e : desired.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                n++;
            }
        }
        for (String s : actual.keySet()) {
            if (!desired.containsKey(s)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public ApplyResult apply() {
        ApplyResult updates = applyUpdates();
        return ApplyResult.merge(updates, applyDeletions());
    }

    /** Creates and updates the desired sets (and clears stale temporary sets); run before the iptables drivers. */
    public ApplyResult applyUpdates() {
        ApplyResult read = resyncIfQueued();
        if (read != null) {
            return read;
        }
        List<String> script = new ArrayList<>();
        Map<String, IpSet> written = new TreeMap<>();
        Set<String> tempsGone = new HashSet<>();
        for (String s : actual.keySet()) {
            if (IpSetNames.isTemp(s)) {
                script.add("destroy " + s);
                tempsGone.add(s);
            }
        }
        int temp = 0;
        for (Map.Entry<String, IpSet> e : new TreeMap<>(desired).entrySet()) {
            String set = e.getKey();
            IpSet want = e.getValue();
            IpSet have = actual.get(set);
            if (want.equals(have)) {
                continue;
            }
            if (!actual.containsKey(set)) {
                fill(script, set, want);
            } else if (have != null && writtenSinceRead.contains(set) && have.type() == want.type()
                    && have.ipVersion() == want.ipVersion() && deltaIsSmaller(have, want)) {
                deltas(script, set, have, want);
            } else if (have != null && have.type() == want.type() && have.ipVersion() == want.ipVersion()) {
                String tmp = IpSetNames.temp(want.ipVersion(), temp++);
                fill(script, tmp, want);
                script.add("swap " + tmp + " " + set);
                script.add("destroy " + tmp);
            } else {
                // A swap needs two sets of one type and family; a set of another shape must be recreated, which
                // the kernel refuses while a rule uses it (the iptables driver must drop that rule first).
                script.add("destroy " + set);
                fill(script, set, want);
            }
            written.put(set, want);
        }
        if (script.isEmpty()) {
            return ApplyResult.NOTHING;
        }
        ApplyResult failed = restore(script, "update");
        if (failed != null) {
            return failed;
        }
        tempsGone.forEach(actual::remove);
        actual.putAll(written);
        writtenSinceRead.addAll(written.keySet());
        return new ApplyResult(written.size() + tempsGone.size(), List.of());
    }

    /** Destroys our sets that are no longer desired; run after the iptables drivers removed the rules using them. */
    public ApplyResult applyDeletions() {
        ApplyResult read = resyncIfQueued();
        if (read != null) {
            return read;
        }
        List<String> gone = new ArrayList<>();
        for (String s : new TreeMap<>(actual).keySet()) {
            if (!desired.containsKey(s)) {
                gone.add(s);
            }
        }
        if (gone.isEmpty()) {
            return ApplyResult.NOTHING;
        }
        List<String> script = new ArrayList<>();
        gone.forEach(s -> script.add("destroy " + s));
        ApplyResult failed = restore(script, "delete");
        if (failed != null) {
            return failed;
        }
        gone.forEach(actual::remove);
        gone.forEach(writtenSinceRead::remove);
        return new ApplyResult(gone.size(), List.of());
    }

    /** Whether writing the changed members takes fewer lines than rewriting the set whole. */
    private static boolean deltaIsSmaller(IpSet have, IpSet want) {
        int changed = 0;
        for (String m : want.members()) {
            if (!have.members().contains(m)) {
                changed++;
            }
        }
        for (String m : have.members()) {
            if (!want.members().contains(m)) {
                changed++;
            }
        }
        return changed < want.members().size() + 3;
    }

    /** Felix writeDeltas: deletions first ({@code --exist}: gone already is fine), then additions. */
    private static void deltas(List<String> script, String set, IpSet have, IpSet want) {
        // Only the few changed members are sorted, not both sets of thousands (issue 16: a change's cost at scale).
        List<String> gone = new ArrayList<>();
        have.members().forEach(m -> {
            if (!want.members().contains(m)) {
                gone.add(m);
            }
        });
        List<String> added = new ArrayList<>();
        want.members().forEach(m -> {
            if (!have.members().contains(m)) {
                added.add(m);
            }
        });
        Collections.sort(gone);
        Collections.sort(added);
        gone.forEach(m -> script.add("del " + set + " " + m + " --exist"));
        added.forEach(m -> script.add("add " + set + " " + m));
    }

    private static void fill(List<String> script, String set, IpSet want) {
        script.add("create " + set + " " + want.type().word() + " family " + want.family() + " maxelem " + MAX_ELEMENTS);
        for (String m : new TreeSet<>(want.members())) {
            script.add("add " + set + " " + m);
        }
    }

    /** Runs the script; null when it succeeded, else the failure naming the line and ipset's message. */
    private ApplyResult restore(List<String> script, String phase) {
        String input = String.join("\n", script) + "\n";
        CommandRunner.Result r;
        try {
            r = runner.run(List.of("ipset", "restore"), input);
        } catch (IllegalStateException e) {
            r = new CommandRunner.Result(-1, "", e.getMessage());
        }
        if (r.ok()) {
            LOG.infof("event=ipsets-applied phase=%s lines=%d", phase, script.size());
            return null;
        }
        // ipset restore stops at the first bad line but keeps what it did before it: read the kernel again.
        resyncQueued = true;
        String err = r.stderr().strip();
        Matcher m = ERROR_LINE.matcher(err);
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            String text = n >= 1 && n <= script.size() ? script.get(n - 1) : "?";
            return ApplyResult.failed(name, "ipset restore line " + n + ": " + text, m.group(2).strip());
        }
        return ApplyResult.failed(name, "ipset restore (" + phase + ")",
                "exited " + r.exitCode() + ": " + err.lines().findFirst().orElse("(no message)"));
    }

    /** Reads our sets when a resync is queued; null when done, else the failure. */
    private ApplyResult resyncIfQueued() {
        if (!resyncQueued) {
            return null;
        }
        CommandRunner.Result r;
        try {
            r = runner.run(READ_COMMAND, "");
        } catch (IllegalStateException e) {
            r = new CommandRunner.Result(-1, "", e.getMessage());
        }
        ApplyResult adopted = adoptRead(r);
        return adopted.ok() ? null : adopted;
    }

    /** Whether the next apply reads the sets first. */
    public boolean readQueued() {
        return resyncQueued;
    }

    /** Takes what {@link #READ_COMMAND} printed as the kernel's state; on a failure the read stays queued. */
    public ApplyResult adoptRead(CommandRunner.Result r) {
        if (!r.ok()) {
            return ApplyResult.failed(name, "ipset save", "exited " + r.exitCode() + ": " + r.stderr().strip());
        }
        actual = parse(r.stdout());
        writtenSinceRead.clear();
        resyncQueued = false;
        return ApplyResult.NOTHING;
    }

    /** Our sets from {@code ipset save} output: "create NAME TYPE family F ..." and "add NAME MEMBER" lines. */
    static Map<String, IpSet> parse(String save) {
        Map<String, IpSetType> types = new HashMap<>();
        Map<String, Integer> versions = new HashMap<>();
        Map<String, Set<String>> members = new HashMap<>();
        Set<String> ours = new HashSet<>();
        for (String line : save.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 2 || !IpSetNames.owned(f[1])) {
                continue;
            }
            if (f[0].equals("create") && f.length >= 3) {
                ours.add(f[1]);
                types.put(f[1], IpSetType.of(f[2]));
                int version = 4;
                for (int i = 3; i + 1 < f.length; i++) {
                    if (f[i].equals("family") && f[i + 1].equals("inet6")) {
                        version = 6;
                    }
                }
                versions.put(f[1], version);
                members.put(f[1], new HashSet<>());
            } else if (f[0].equals("add") && f.length >= 3) {
                members.computeIfAbsent(f[1], k -> new HashSet<>()).add(f[2]);
            }
        }
        Map<String, IpSet> out = new HashMap<>();
        for (String s : ours) {
            IpSetType t = types.get(s);
            IpSet set = null;
            if (t != null) {
                try {
                    set = new IpSet(t, versions.get(s), members.get(s));
                } catch (IllegalArgumentException e) {
                    set = null; // A member we cannot read: treat the set as wrong, so it is rewritten.
                }
            }
            out.put(s, set);
        }
        return out;
    }
}
