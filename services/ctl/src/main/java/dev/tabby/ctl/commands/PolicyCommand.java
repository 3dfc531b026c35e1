package dev.tabby.ctl.commands;

import picocli.CommandLine.Command;

/** {@code tabbyctl policy ...}: questions about network policy. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Questions about network policy.", subcommands = {PolicyExplainCommand.class})
public final class PolicyCommand {
}
