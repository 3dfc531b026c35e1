package dev.tabby.probe.modules;

/** Where a module stands in the probed kernel. */
public enum ModuleState {
    LOADED("loaded"),
    BUILT_IN("built-in"),
    /** Installed as a .ko that modprobe (or iptables, on first use) can load. */
    LOADABLE("loadable"),
    MISSING("missing"),
    /** The host gave too little to tell: no config, no module files, no trace. */
    UNKNOWN("unknown");

    private final String label;

    ModuleState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean usable() {
        return this == LOADED || this == BUILT_IN || this == LOADABLE;
    }
}
