package dev.tabby.ctl.commands;

import picocli.CommandLine.Command;

/** {@code tabbyctl node ...}: per-node operations. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Per-node operations.", subcommands = {NodeRegisterCommand.class, NodeCheckSystemCommand.class,
        NodeStatusCommand.class, NodeDiagsCommand.class})
public final class NodeCommand {
}
