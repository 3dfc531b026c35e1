package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.host.KernelFacts;
import dev.tabby.probe.host.KernelVersion;
import java.util.List;
import java.util.Optional;

/** kernel-version: Linux 3.10 or later. */
public final class KernelVersionCheck implements Check {
    public static final String ID = "kernel-version";
    private static final String REQUIRED = "Linux 3.10 or later";

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        KernelFacts k = ctx.kernel();
        if (k.release().isEmpty()) {
            return List.of(CheckResult.warn(ID, "cannot tell the kernel release: " + k.releaseProblem(), REQUIRED,
                    "check with 'uname -r' on the host"));
        }
        String release = k.release().get();
        Optional<KernelVersion> v = k.version();
        if (v.isEmpty()) {
            return List.of(CheckResult.warn(ID, "kernel release '" + release + "' (from " + k.releaseSource()
                    + ") does not start with a version number", REQUIRED, "check with 'uname -r' on the host"));
        }
        if (!v.get().atLeast(3, 10)) {
            return List.of(CheckResult.fail(ID, release + " (from " + k.releaseSource() + ") is older than 3.10",
                    REQUIRED, "upgrade the kernel to 3.10 or later; the stock kernels of RedHat/CentOS 7, Ubuntu 16.04 "
                            + "and Debian 8 and their later releases all qualify"));
        }
        return List.of(CheckResult.pass(ID, release + " (from " + k.releaseSource() + ")", REQUIRED));
    }
}
