package dev.tabby.ctl.commands;

import dev.tabby.ctl.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tabbyctl ipam ...}: Calico IP address management, as {@code calicoctl ipam} offers it. */
@Command(name = "ipam", mixinStandardHelpOptions = true,
        description = "IP address management: usage, consistency check, release, configuration.",
        subcommands = {IpamCommandShow.class, IpamCommandCheck.class, IpamCommandRelease.class,
                IpamCommandConfigure.class})
public final class IpamCommand {

    /** The root command of an {@code ipam} subcommand, for its connection options. */
    static Main main(CommandSpec subcommand) {
        return (Main) subcommand.parent().parent().userObject();
    }
}
