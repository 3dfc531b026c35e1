package dev.tabby.ctl.commands;

import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.IpamUsage;
import dev.tabby.ipam.Pool;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl ipam show}: how full the IP pools (and blocks) are, which addresses nodes borrowed, whether one
 * address is in use, or the IPAM configuration, as calicoctl v3.18's ipam show (calicoctl/commands/ipam/show.go).
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show IP pool usage; with --show-blocks per block, with --show-borrowed the borrowed addresses,"
                + " with --ip whether that address is in use, with --show-configuration the IPAM configuration.")
public final class IpamCommandShow implements Callable<Integer> {

    /** As in calicoctl's usage line, at most one of these: {@code [--ip=<IP> | --show-blocks | ...]}. */
    static final class What {
        @Option(names = "--ip", paramLabel = "IP", description = "Report whether this specific IP address is in use.")
        String ip;

        @Option(names = "--show-blocks",
                description = "Show detailed information for IP blocks (and the node each belongs to) as well as pools.")
        boolean showBlocks;

        @Option(names = "--show-borrowed", description = "Show detailed information for \"borrowed\" IP addresses.")
        boolean showBorrowed;

        @Option(names = "--show-configuration", description = "Show current Calico IPAM configuration.")
        boolean showConfiguration;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    What what; // null when none of them is given

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (what == null) {
            what = new What();
        }
        if (what.ip != null) {
            return showIp(parseIp(what.ip));
        }
        if (what.showConfiguration) {
            return showConfiguration();
        }
        boolean showBlocks = what.showBlocks;
        boolean showBorrowed = what.showBorrowed;
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

    private static IpAddress parseIp(String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ip: " + e.getMessage()
                    + "; give an IPv4 or IPv6 address, e.g. 10.0.0.5");
        }
    }

    /**
     * calicoctl's showIP, over libcalico-go's GetAssignmentAttributes (lib/ipam/ipam.go): an address outside every
     * enabled pool, in a block that does not exist, or free in its block is "not assigned"; an allocated one is "in
     * use" with its attributes (the handle is not printed, as calicoctl does not print it).
     */
    private int showIp(IpAddress ip) {
        Optional<Assignment> assignment;
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            boolean inPool = enabledPools(session).stream().anyMatch(p -> p.cidr().contains(ip));
            assignment = inPool ? new Ipam(session.kv()).getAssignmentAttributes(ip) : Optional.empty();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (assignment.isEmpty()) {
            out.println(ip + " is not assigned");
        } else {
            out.println("IP " + ip + " is in use");
            Map<String, String> attributes = new TreeMap<>(assignment.get().attributes());
            if (attributes.isEmpty()) {
                out.println("No attributes defined");
            } else {
                // calicoctl ranges over a Go map, in no fixed order; sorted here so the output is stable.
                out.println("Attributes:");
                attributes.forEach((k, v) -> out.println("  " + k + ": " + v));
            }
        }
        out.flush();
        return 0;
    }

    /** The enabled pools, as libcalico-go's getPoolForIP consults them; a pool that cannot be read is skipped. */
    private static List<Pool> enabledPools(Connection.Session session) {
        List<Pool> pools = new ArrayList<>();
        for (Resource r : session.store().list(Kind.IP_POOL, null).items()) {
            try {
                Pool p = Pool.from((IPPool) r);
                if (!p.disabled()) {
                    pools.add(p);
                }
            } catch (RuntimeException unreadable) {
                // getPoolForIP logs and skips a pool whose CIDR does not parse; so does this lookup, silently.
            }
        }
        return pools;
    }

    /**
     * calicoctl's showConfiguration: one row per field of libcalico-go's ipam.IPAMConfig, in declaration order,
     * the value as Go's %#v prints it. With no config stored this is Calico's default.
     */
    private int showConfiguration() {
        IpamConfig config;
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            config = new Ipam(session.kv()).getConfig();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PROPERTY", "VALUE"});
        rows.add(new String[] {"StrictAffinity", Boolean.toString(config.strictAffinity())});
        rows.add(new String[] {"AutoAllocateBlocks", Boolean.toString(config.autoAllocateBlocks())});
        rows.add(new String[] {"MaxBlocksPerHost", Integer.toString(config.maxBlocksPerHost())});
        PrintWriter out = spec.commandLine().getOut();
        IpamCommand.table(out, rows);
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
