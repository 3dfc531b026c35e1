package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.host.KernelFacts;
import java.util.List;
import java.util.Map;

/** arch: the machine is x86-64, arm64, ppc64le or s390x (what {@code uname -m} says, read via the kernel). */
public final class ArchCheck implements Check {
    public static final String ID = "arch";
    private static final String REQUIRED = "an x86-64, arm64, ppc64le or s390x processor";
    /** uname -m and the JVM's os.arch spellings of the supported architectures. */
    private static final Map<String, String> SUPPORTED = Map.of(
            "x86_64", "x86-64", "amd64", "x86-64",
            "aarch64", "arm64", "arm64", "arm64",
            "ppc64le", "ppc64le",
            "s390x", "s390x");

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        KernelFacts k = ctx.kernel();
        if (k.machine().isEmpty()) {
            return List.of(CheckResult.warn(ID, "cannot tell the architecture: " + k.archProblem(), REQUIRED,
                    "check with 'uname -m' on the host; the probe reads /proc/sys/kernel/arch"));
        }
        String machine = k.machine().get();
        String name = SUPPORTED.get(machine);
        if (name == null) {
            return List.of(CheckResult.fail(ID, machine + " (from " + k.archSource() + ") is not supported", REQUIRED,
                    "run Tabby on x86-64, arm64, ppc64le or s390x hosts"));
        }
        return List.of(CheckResult.pass(ID, name + " (" + machine + ", from " + k.archSource() + ")", REQUIRED));
    }
}
