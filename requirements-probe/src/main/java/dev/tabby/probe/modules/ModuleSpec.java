package dev.tabby.probe.modules;

import java.util.List;

/**
 * How to find one module of the requirements page in a kernel, whatever it is called there.
 *
 * @param name          the name on the requirements page; also the check id's suffix ({@code module-<name>})
 * @param modules       real module names that provide it, best first (the name itself, the module it was merged
 *                      into, ...), looked for in /proc/modules, modules.builtin and modules.dep
 * @param aliasNames    other names to resolve through modules.alias ({@code ipt_set}, {@code ipt_icmp}, ...)
 * @param configSymbols kconfig options that build it, any of which will do
 * @param gateSymbol    a bool option that must be on for {@code modules} to contain it (SCTP conntrack inside
 *                      nf_conntrack), or null
 * @param functional    kernel-side traces of it when present
 * @param need          when it is required
 * @param purpose       what Tabby uses it for, in the operator's words
 * @param note          how it was resolved, when not simply by its name ({@code ""} otherwise)
 */
public record ModuleSpec(String name, List<String> modules, List<String> aliasNames, List<String> configSymbols,
                         String gateSymbol, List<Functional> functional, Need need, String purpose, String note) {

    /** When a module is required. */
    public enum Need {
        ALWAYS,
        /** Only for the modes that declare it ({@link dev.tabby.probe.Mode#modules()}: ipip for IP-in-IP). */
        MODE,
        /** Only where IPv6 is on. */
        IPV6,
        /**
         * Tabby works without it, but a feature does not ({@link ModuleCatalog#withoutIt}); it fails only when a mode
         * in use declares it.
         */
        OPTIONAL
    }

    /**
     * A trace the module leaves when it is in the kernel: {@code entry} listed in the file (one name per line, as in
     * /proc/net/ip_tables_matches), or with {@code entry} null, the path existing.
     */
    public record Functional(String path, String entry) {
        public static Functional exists(String path) {
            return new Functional(path, null);
        }

        public static Functional listed(String path, String entry) {
            return new Functional(path, entry);
        }

        public boolean isListEntry() {
            return entry != null;
        }
    }
}
