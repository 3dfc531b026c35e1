package dev.tabby.ctl;

import dev.tabby.ctl.commands.ApplyCommand;
import dev.tabby.ctl.commands.Connection;
import dev.tabby.ctl.commands.CreateCommand;
import dev.tabby.ctl.commands.DeleteCommand;
import dev.tabby.ctl.commands.IpamCommand;
import dev.tabby.ctl.commands.GetCommand;
import dev.tabby.ctl.commands.LabelCommand;
import dev.tabby.ctl.commands.NodeCommand;
import dev.tabby.ctl.commands.PolicyCommand;
import dev.tabby.ctl.commands.ReplaceCommand;
import dev.tabby.ctl.commands.VersionCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** tabbyctl: manage Tabby's Calico v3 resources in etcd, as calicoctl does. */
@Command(name = "tabbyctl", mixinStandardHelpOptions = false,
        description = "Manage Tabby (Calico v3) resources in etcd.",
        subcommands = {CreateCommand.class, ApplyCommand.class, ReplaceCommand.class, DeleteCommand.class,
                GetCommand.class, LabelCommand.class, NodeCommand.class, IpamCommand.class, PolicyCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
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
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: create, apply, replace, delete, get, label or version");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs one invocation; returns the exit code. Tests call this directly. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        Env.set(env);
        cli.setParameterExceptionHandler((ex, argv) -> {
            err.println("tabbyctl: " + ex.getMessage().lines().findFirst().orElse("bad arguments")
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 1;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            err.println("tabbyctl: " + Errors.oneLine(ex));
            return 1;
        });
        return cli.execute(args);
    }
}
