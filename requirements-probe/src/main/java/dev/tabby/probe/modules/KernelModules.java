package dev.tabby.probe.modules;

import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.host.KernelConfig;
import dev.tabby.probe.host.KernelConfig.Tristate;
import dev.tabby.probe.host.KernelFacts;
import dev.tabby.probe.modules.ModuleSpec.Functional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a module is loaded, built-in, loadable or missing, from everything the host offers: /proc/modules,
 * modules.builtin, modules.dep and modules.alias, the kernel config, and traces the module leaves in the running
 * kernel (/proc/net/ip_tables_matches and _targets, /sys/module, ...). Positive evidence wins over silence; a module
 * is missing only when a source that would know says so.
 */
public final class KernelModules {
    private final HostRoot host;
    private final ModuleFiles files;
    private final KernelConfig config;
    private final Map<String, Optional<Set<String>>> lists = new HashMap<>();

    private KernelModules(HostRoot host, ModuleFiles files, KernelConfig config) {
        this.host = host;
        this.files = files;
        this.config = config;
    }

    public static KernelModules read(HostRoot host, KernelFacts kernel, KernelConfig config) {
        return new KernelModules(host, ModuleFiles.read(host, kernel.release()), config);
    }

    public KernelConfig config() {
        return config;
    }

    /** True when this kernel cannot load modules at all: no /proc/modules, and the config does not say otherwise. */
    public boolean noModuleSupport() {
        if (!files.procModules.missing()) {
            return false;
        }
        return !config.available() || config.state("CONFIG_MODULES") != Tristate.YES;
    }

    /** /proc/modules, for messages. */
    public FileText procModules() {
        return files.procModules;
    }

    public ModuleFinding resolve(ModuleSpec spec) {
        List<String> evidence = new ArrayList<>();
        Set<String> candidates = new LinkedHashSet<>(spec.modules());
        Map<String, String> aliasNotes = new HashMap<>();
        for (String name : concat(spec.name(), spec.aliasNames())) {
            for (String target : files.aliasTargets(name)) {
                if (candidates.add(target)) {
                    aliasNotes.put(target, "modules.alias maps " + name + " to " + target);
                }
            }
        }
        String source = config.available() ? " (" + config.source() + ")" : "";

        if (spec.gateSymbol() != null) {
            if (config.available()) {
                if (config.state(spec.gateSymbol()) != Tristate.YES) {
                    evidence.add(config.describe(spec.gateSymbol()) + source);
                    return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
                }
                evidence.add(config.describe(spec.gateSymbol()) + source);
            } else {
                return ungated(spec, evidence);
            }
        }

        String loadedVia = first(candidates, files.loaded);
        if (loadedVia != null) {
            addIfPresent(evidence, aliasNotes.get(loadedVia));
            evidence.add(files.procModules.shown() + " lists " + loadedVia);
            return new ModuleFinding(spec, ModuleState.LOADED, loadedVia, evidence);
        }

        List<String> traces = new ArrayList<>();
        boolean allListsPresent = true;
        boolean anyList = false;
        for (Functional f : spec.functional()) {
            if (f.isListEntry()) {
                anyList = true;
                Optional<Set<String>> entries = entries(f.path());
                if (entries.isEmpty()) {
                    allListsPresent = false;
                } else if (entries.get().contains(f.entry())) {
                    traces.add(host.shown(f.path()) + " has '" + f.entry() + "'");
                }
            } else if (host.exists(f.path())) {
                traces.add(host.shown(f.path()) + " exists");
            }
        }

        String builtinVia = first(candidates, files.builtin);
        Tristate cfg = config.available() ? config.best(spec.configSymbols()) : null;
        if (builtinVia != null || cfg == Tristate.YES || !traces.isEmpty()) {
            if (builtinVia != null) {
                addIfPresent(evidence, aliasNotes.get(builtinVia));
                evidence.add("modules.builtin lists " + builtinVia);
            }
            if (cfg == Tristate.YES) {
                evidence.add(describeConfig(spec, Tristate.YES) + source);
            }
            evidence.addAll(traces);
            if (builtinVia == null && cfg != Tristate.YES && files.procModules.unreadable()) {
                evidence.add("(or loaded: " + files.procModules.describe() + ")");
            }
            return new ModuleFinding(spec, ModuleState.BUILT_IN, builtinVia != null ? builtinVia : hostModule(spec),
                    evidence);
        }

        String depVia = first(candidates, files.dep.keySet());
        if (cfg == Tristate.MODULE || depVia != null) {
            if (cfg == Tristate.MODULE) {
                evidence.add(describeConfig(spec, Tristate.MODULE) + source);
            }
            if (noModuleSupport()) {
                evidence.add("but the kernel cannot load modules (" + files.procModules.shown() + " is not present)");
                return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
            }
            if (depVia == null && files.depFile != null && files.depFile.ok()) {
                evidence.add("but no " + String.join(" or ", candidates) + " .ko in " + files.depFile.shown());
                return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
            }
            if (depVia != null) {
                addIfPresent(evidence, aliasNotes.get(depVia));
                evidence.add("modules.dep has " + files.dep.get(depVia));
            }
            return new ModuleFinding(spec, ModuleState.LOADABLE, depVia != null ? depVia : hostModule(spec), evidence);
        }

        boolean moduleFilesSayNo = files.depFile != null && files.depFile.ok() && files.builtinFile != null
                && files.builtinFile.ok();
        if (config.available()) {
            evidence.add(String.join(", ", spec.configSymbols().stream().map(config::describe).toList()) + source);
            if (moduleFilesSayNo) {
                evidence.add("not in modules.builtin or modules.dep");
            }
            return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
        }
        if (noModuleSupport() && anyList && allListsPresent) {
            evidence.add("not registered in " + spec.functional().stream().filter(Functional::isListEntry)
                    .map(f -> host.shown(f.path())).distinct().reduce((a, b) -> a + " or " + b).orElse("")
                    + ", and the kernel cannot load modules (" + files.procModules.shown() + " is not present)");
            return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
        }
        if (moduleFilesSayNo) {
            evidence.add("in neither " + files.builtinFile.shown() + " nor " + files.depFile.shown());
            return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
        }
        evidence.add("cannot tell: " + silence());
        return new ModuleFinding(spec, ModuleState.UNKNOWN, null, evidence);
    }

    /**
     * A part of another module (SCTP tracking in nf_conntrack) whose option cannot be read: only the running kernel
     * can tell. nf_conntrack makes its sysctls when it starts, the SCTP ones only when it tracks SCTP.
     */
    private ModuleFinding ungated(ModuleSpec spec, List<String> evidence) {
        String container = spec.modules().get(spec.modules().size() - 1);
        String trace = spec.functional().get(0).path();
        if (host.exists(trace)) {
            evidence.add(host.shown(trace) + " exists");
            return new ModuleFinding(spec, files.loaded.contains(container) ? ModuleState.LOADED : ModuleState.BUILT_IN,
                    container, evidence);
        }
        if (host.exists("/proc/sys/net/netfilter/nf_conntrack_max")) {
            evidence.add(container + " is running without " + host.shown(trace) + ", so it was built without "
                    + spec.gateSymbol());
            return new ModuleFinding(spec, ModuleState.MISSING, null, evidence);
        }
        if (files.dep.containsKey(spec.name())) {
            evidence.add("modules.dep has " + files.dep.get(spec.name()));
            return new ModuleFinding(spec, ModuleState.LOADABLE, spec.name(), evidence);
        }
        evidence.add("cannot tell: it depends on " + spec.gateSymbol() + ", and " + silence() + "; " + container
                + " is not running, so " + host.shown(trace) + " cannot show it either");
        return new ModuleFinding(spec, ModuleState.UNKNOWN, null, evidence);
    }

    /** Why the module sources are silent, for an unknown verdict. */
    public String silence() {
        List<String> why = new ArrayList<>();
        why.add(config.notes().isEmpty() ? "no kernel config" : config.notes());
        if (files.depFile == null) {
            why.add("no " + files.modulesDir);
        } else {
            for (FileText f : new FileText[] {files.builtinFile, files.depFile}) {
                if (!f.ok()) {
                    why.add(f.describe());
                }
            }
        }
        if (!files.procModules.ok()) {
            why.add(files.procModules.describe());
        }
        return String.join("; ", why);
    }

    /** The module that really holds it: the one it was merged into or aliased to, else its own name. */
    private static String hostModule(ModuleSpec spec) {
        return spec.modules().size() > 1 ? spec.modules().get(1) : spec.modules().get(0);
    }

    private static void addIfPresent(List<String> evidence, String note) {
        if (note != null) {
            evidence.add(note);
        }
    }

    private String describeConfig(ModuleSpec spec, Tristate wanted) {
        for (String s : spec.configSymbols()) {
            if (config.state(s) == wanted) {
                return config.describe(s);
            }
        }
        return config.describe(spec.configSymbols().get(0));
    }

    /** The entries of a one-name-per-line /proc list, or empty when the file is not there. */
    private Optional<Set<String>> entries(String path) {
        return lists.computeIfAbsent(path, p -> {
            FileText f = host.read(p);
            if (!f.ok()) {
                return Optional.empty();
            }
            Set<String> names = new HashSet<>();
            for (String line : f.lines()) {
                String l = line.trim();
                if (!l.isEmpty()) {
                    names.add(l);
                }
            }
            return Optional.of(names);
        });
    }

    private static String first(Set<String> candidates, Set<String> in) {
        for (String c : candidates) {
            if (in.contains(c)) {
                return c;
            }
        }
        return null;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
