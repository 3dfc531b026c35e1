package dev.tabby.ctl.commands;

import dev.tabby.ipam.IpamUsage;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tabbyctl ipam show}: how full the IP pools (and blocks) are, and which addresses nodes borrowed. */
@Command(name = "show", description = "Show IP pool usage; with --show-blocks per block, with --show-borrowed the borrowed addresses.")
public final class IpamCommandShow implements Callable<Integer> {
    @Option(names = "--show-blocks", description = "add a row for each block, with the node it belongs to")
    boolean showBlocks;

    @Option(names = "--show-borrowed", description = "list addresses a node took from a block of another node")
    boolean showBorrowed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        IpamUsage usage;
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            usage = IpamUsage.read(session.kv());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        rows.add(showBlocks ? new String[] {"GROUPING", "CIDR", "IPS TOTAL", "IPS IN USE", "IPS FREE", "NODE"}
                : new String[] {"GROUPING", "CIDR", "IPS TOTAL", "IPS IN USE", "IPS FREE"});
        for (IpamUsage.PoolUsage p : usage.pools()) {
            BigInteger used = BigInteger.valueOf(p.inUse());
            String[] row = {"IP Pool", p.cidr() + (p.disabled() ? " (disabled)" : ""), p.total().toString(),
                    share(used, p.total()), share(p.free(), p.total()), ""};
            rows.add(showBlocks ? row : java.util.Arrays.copyOf(row, 5));
            if (showBlocks) {
                for (IpamUsage.BlockUsage b : usage.blocks()) {
                    if (p.cidr().contains(b.cidr().address())) {
                        BigInteger total = BigInteger.valueOf(b.total());
                        rows.add(new String[] {"Block", b.cidr().toString(), Integer.toString(b.total()),
                                share(BigInteger.valueOf(b.inUse()), total), share(BigInteger.valueOf(b.free()), total),
                                b.node() == null ? "(none)" : b.node()});
                    }
                }
            }
        }
        if (usage.pools().isEmpty()) {
            out.println("No IP pools; create one with tabbyctl create -f <ippool.yaml>");
        } else {
            IpamCommand.table(out, rows);
        }
        if (showBorrowed) {
            out.println();
            if (usage.borrowed().isEmpty()) {
                out.println("No borrowed addresses.");
            } else {
                List<String[]> borrowed = new ArrayList<>();
                borrowed.add(new String[] {"IP", "BORROWING-NODE", "BLOCK", "BLOCK OWNER", "TYPE", "ALLOCATED-TO"});
                for (IpamUsage.BorrowedAddress b : usage.borrowed()) {
                    borrowed.add(new String[] {b.address().toString(), b.borrowingNode(), b.block().toString(),
                            b.blockNode() == null ? "(none)" : b.blockNode(), b.type(), b.allocatedTo()});
                }
                IpamCommand.table(out, borrowed);
            }
        }
        out.flush();
        return 0;
    }

    /** {@code 5 (8%)}: a count and its share of the total, rounded to whole percent. */
    private static String share(BigInteger count, BigInteger total) {
        if (total.signum() == 0) {
            return count + " (0%)";
        }
        BigDecimal percent = new BigDecimal(count.multiply(BigInteger.valueOf(100)))
                .divide(new BigDecimal(total), 0, RoundingMode.HALF_EVEN);
        return count + " (" + percent.toPlainString() + "%)";
    }
}
