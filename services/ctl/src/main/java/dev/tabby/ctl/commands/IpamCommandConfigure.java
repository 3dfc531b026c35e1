package dev.tabby.ctl.commands;

import dev.tabby.ipam.Ipam;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl ipam configure --strictaffinity=true|false}, as calicoctl v3.18's ipam configure
 * (calicoctl/commands/ipam/configure.go): read the IPAM config, change StrictAffinity only, write it back through
 * the library (which keeps the other fields and refuses what libcalico-go's SetIPAMConfig refuses).
 */
@Command(name = "configure", mixinStandardHelpOptions = true,
        description = "Modify configuration for Calico IP address management.")
public final class IpamCommandConfigure implements Callable<Integer> {
    // Go's strconv.ParseBool, which calicoctl uses for the flag's value.
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    @Option(names = "--strictaffinity", required = true, paramLabel = "true|false",
            description = "Set StrictAffinity to true/false. When StrictAffinity is true, borrowing IP addresses is"
                    + " not allowed.")
    String strictAffinity;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean enabled = parseBool(strictAffinity);
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            Ipam ipam = new Ipam(session.kv());
            ipam.setConfig(ipam.getConfig().withStrictAffinity(enabled));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Successfully set StrictAffinity to: " + enabled);
        out.flush();
        return 0;
    }

    private static boolean parseBool(String value) {
        if (TRUE.contains(value)) {
            return true;
        }
        if (FALSE.contains(value)) {
            return false;
        }
        throw new IllegalArgumentException("--strictaffinity: invalid value \"" + value
                + "\"; use true or false to set strictaffinity");
    }
}
