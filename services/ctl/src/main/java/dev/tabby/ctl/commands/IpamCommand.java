package dev.tabby.ctl.commands;

import dev.tabby.ctl.Main;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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

    /** Prints rows as left-aligned columns three spaces apart, as tabbyctl's other tables. */
    static void table(PrintWriter out, List<String[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.length; i++) {
                cells.add(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s", row[i]));
            }
            out.println(String.join("   ", cells).stripTrailing());
        }
    }
}
