package dev.tabby.ctl.commands;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl node diags [--log-dir DIR]}, as calicoctl v3.18's (calicoctl/commands/node/diags.go): gathers a
 * node's diagnostics into {@code diags-<time>.tar.gz} in a new temporary directory and says where it is. Everything it
 * runs only reads; see {@link NodeDiagsCollector} for what is collected.
 */
@Command(name = "diags", mixinStandardHelpOptions = true,
        description = {"Gather a diagnostics bundle for a Tabby node: addresses, links, routes, rules, iptables, "
                + "ipsets, sockets and processes, Tabby's logs and CNI configuration, and the health and metrics of "
                + "the node's services. Run it on the node (in its network namespace); it changes nothing."})
public final class NodeDiagsCommand implements Callable<Integer> {
    @Option(names = "--log-dir", paramLabel = "<LOG_DIR>", defaultValue = "/var/log/tabby",
            description = "The directory containing Tabby logs. [default: /var/log/tabby]")
    Path logDir;

    @Option(names = "--cni-conf-dir", paramLabel = "<DIR>", defaultValue = "/etc/cni/net.d",
            description = "The directory of the node's CNI network configuration. [default: /etc/cni/net.d]")
    Path cniConfDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        new NodeDiagsCollector(logDir, cniConfDir, spec.commandLine().getOut()).run();
        return 0;
    }
}
