package dev.tabby.ctl;

import dev.tabby.ctl.commands.ApplyCommand;
import dev.tabby.ctl.commands.CommandFailedException;
import dev.tabby.ctl.commands.Connection;
import dev.tabby.ctl.commands.ConvertCommand;
import dev.tabby.ctl.commands.CreateCommand;
import dev.tabby.ctl.commands.DeleteCommand;
import dev.tabby.ctl.commands.EventsCommand;
import dev.tabby.ctl.commands.FlowsCommand;
import dev.tabby.ctl.commands.GetCommand;
import dev.tabby.ctl.commands.IpamCommand;
import dev.tabby.ctl.commands.LabelCommand;
import dev.tabby.ctl.commands.NodeCommand;
import dev.tabby.ctl.commands.PatchCommand;
import dev.tabby.ctl.commands.PolicyCommand;
import dev.tabby.ctl.commands.ReplaceCommand;
import dev.tabby.ctl.commands.VersionCommand;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * tabbyctl: manage Tabby's Calico v3 resources in etcd, as calicoctl (calicoctl/calicoctl.go) does. Every command
 * takes -h/--help (picocli's mixinStandardHelpOptions), which prints its usage to standard output and exits 0; a
 * usage error names the command it is for and exits 1, as calicoctl's do.
 */
@Command(name = "tabbyctl", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = {"The tabbyctl is used to manage Calico network and security policy, to view and manage "
                + "endpoint configuration, and to manage a Calico node instance, on Tabby's etcd.",
                "",
                "See 'tabbyctl <command> --help' to read about a specific subcommand."},
        synopsisSubcommandLabel = "<command>",
        subcommands = {CreateCommand.class, ReplaceCommand.class, ApplyCommand.class, DeleteCommand.class,
                GetCommand.class, PatchCommand.class, LabelCommand.class, ConvertCommand.class, IpamCommand.class,
                NodeCommand.class, PolicyCommand.class, EventsCommand.class, FlowsCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Connection connection;

    public Connection connection() {
        return connection;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs one invocation; returns the exit code. Tests call this directly. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        Env.set(env);
        cli.setParameterExceptionHandler((ex, argv) -> {
            err.println(Errors.usage(ex));
            return 1;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            if (ex instanceof CommandFailedException failed) {
                failed.lines().forEach(line -> err.println("tabbyctl: " + line));
            } else {
                err.println("tabbyctl: " + Errors.oneLine(ex));
            }
            return 1;
        });
        return cli.execute(args);
    }
}
