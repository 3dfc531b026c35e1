package dev.tabby.probe.modules;

import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.Glob;
import dev.tabby.probe.host.HostRoot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the module files say: {@code /proc/modules} (loaded now), and under {@code /lib/modules/<release>} (or
 * {@code /usr/lib/modules/<release>}) {@code modules.builtin} (compiled in), {@code modules.dep} (installed as
 * {@code .ko}) and {@code modules.alias} (other names a module answers to). Names are normalised the way modprobe
 * does it: {@code -} becomes {@code _}.
 */
final class ModuleFiles {
    record Alias(String pattern, String module) {
    }

    final FileText procModules;
    final Set<String> loaded = new HashSet<>();
    final String modulesDir;
    final FileText builtinFile;
    final Set<String> builtin = new HashSet<>();
    final FileText depFile;
    final Map<String, String> dep = new HashMap<>();
    final FileText aliasFile;
    final List<Alias> aliases = new ArrayList<>();

    private ModuleFiles(FileText procModules, String modulesDir, FileText builtinFile, FileText depFile,
                        FileText aliasFile) {
        this.procModules = procModules;
        this.modulesDir = modulesDir;
        this.builtinFile = builtinFile;
        this.depFile = depFile;
        this.aliasFile = aliasFile;
    }

    static ModuleFiles read(HostRoot host, Optional<String> release) {
        FileText procModules = host.read("/proc/modules");
        String dir = null;
        if (release.isPresent()) {
            for (String base : List.of("/lib/modules/", "/usr/lib/modules/")) {
                if (host.isDirectory(base + release.get())) {
                    dir = base + release.get();
                    break;
                }
            }
        }
        String shownDir = dir != null ? host.shown(dir)
                : release.map(r -> host.shown("/lib/modules/" + r)).orElse(host.shown("/lib/modules/<release>"));
        FileText builtinFile = dir == null ? null : host.read(dir + "/modules.builtin");
        FileText depFile = dir == null ? null : host.read(dir + "/modules.dep");
        FileText aliasFile = dir == null ? null : host.read(dir + "/modules.alias");
        ModuleFiles files = new ModuleFiles(procModules, shownDir, builtinFile, depFile, aliasFile);
        for (String line : procModules.lines()) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 0 && !words[0].isEmpty()) {
                files.loaded.add(normalise(words[0]));
            }
        }
        if (builtinFile != null) {
            for (String line : builtinFile.lines()) {
                String l = line.trim();
                if (!l.isEmpty()) {
                    files.builtin.add(nameOfPath(l));
                }
            }
        }
        if (depFile != null) {
            for (String line : depFile.lines()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String path = line.substring(0, colon).trim();
                    files.dep.putIfAbsent(nameOfPath(path), path);
                }
            }
        }
        if (aliasFile != null) {
            for (String line : aliasFile.lines()) {
                String[] words = line.trim().split("\\s+");
                if (words.length == 3 && words[0].equals("alias")) {
                    files.aliases.add(new Alias(words[1], normalise(words[2])));
                }
            }
        }
        return files;
    }

    /** {@code kernel/net/netfilter/xt_set.ko.zst} is xt_set. */
    static String nameOfPath(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return normalise(ko >= 0 ? base.substring(0, ko) : base);
    }

    static String normalise(String name) {
        return name.replace('-', '_');
    }

    boolean modulesDirPresent() {
        return depFile != null;
    }

    /** Module names that {@code name} resolves to through modules.alias. */
    List<String> aliasTargets(String name) {
        List<String> out = new ArrayList<>();
        for (Alias a : aliases) {
            if ((a.pattern.equals(name) || Glob.matches(a.pattern, name)) && !out.contains(a.module)) {
                out.add(a.module);
            }
        }
        return out;
    }
}
