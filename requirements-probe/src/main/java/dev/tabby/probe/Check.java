package dev.tabby.probe;

import java.util.List;

/**
 * One check, or one family of checks (a result per kernel module, say). A check reads the host only through the
 * {@link ProbeContext} and reports problems as results; {@link Probe} turns anything it throws into warnings.
 */
public interface Check {
    /** The ids this check reports, in report order. */
    List<String> ids();

    List<CheckResult> run(ProbeContext ctx);
}
