package dev.tabby.probe.modules;

import java.util.List;

/**
 * A module's state with the evidence for it.
 *
 * @param via      the real module that provides it ({@code xt_set} for {@code ipt_set}), null when none was found
 * @param evidence what was seen, one clause each ({@code CONFIG_IP_SET=y (/proc/config.gz)})
 */
public record ModuleFinding(ModuleSpec spec, ModuleState state, String via, List<String> evidence) {

    /** {@code loaded as xt_set (ipt_set is an alias of xt_set): /proc/modules lists xt_set}. */
    public String observed() {
        StringBuilder s = new StringBuilder(state.label());
        if (via != null && !via.equals(spec.name()) && state.usable()) {
            s.append(" as ").append(via);
        }
        if (!spec.note().isEmpty()) {
            s.append(" (").append(spec.note()).append(")");
        }
        if (!evidence.isEmpty()) {
            s.append(": ").append(String.join("; ", evidence));
        }
        return s.toString();
    }
}
