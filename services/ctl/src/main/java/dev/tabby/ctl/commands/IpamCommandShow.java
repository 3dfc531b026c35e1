package dev.tabby.ctl.commands;

import dev.tabby.ctl.output.BoxTable;
import dev.tabby.ctl.output.GoFloat;
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
        IpamUsage usage;
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            usage = IpamUsage.read(session.kv());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(what.showBorrowed ? borrowedTable(usage) : utilizationTable(usage, what.showBlocks));
        out.flush();
        return 0;
    }

    /**
     * calicoctl's showBlockUtilization: a row per pool, and with --show-blocks its blocks after it; counts as Go's
     * {@code %.5g} of a float64 and shares as {@code %.f}, so a large IPv6 pool reads {@code 1.2089e+24}.
     */
    static String utilizationTable(IpamUsage usage, boolean showBlocks) {
        List<List<String>> rows = new ArrayList<>();
        for (IpamUsage.PoolUsage p : usage.pools()) {
            rows.add(usageRow("IP Pool", p.cidr().toString(), p.inUse(), p.total().doubleValue()));
            if (showBlocks) {
                for (IpamUsage.BlockUsage b : usage.blocks()) {
                    if (p.cidr().contains(b.cidr().address())) {
                        rows.add(usageRow("Block", b.cidr().toString(), b.inUse(), b.total()));
                    }
                }
            }
        }
        if (showBlocks) {
            // GetUtilization's last group, "orphaned allocation blocks" (0.0.0.0/0): IPv4 blocks no pool holds,
            // listed without a pool row. An orphaned IPv6 block overlaps no group, so Calico shows none.
            for (IpamUsage.BlockUsage b : usage.blocks()) {
                if (b.cidr().version() == 4 && usage.pools().stream().noneMatch(p -> p.cidr().contains(b.cidr().address()))) {
                    rows.add(usageRow("Block", b.cidr().toString(), b.inUse(), b.total()));
                }
            }
        }
        return BoxTable.render(List.of("GROUPING", "CIDR", "IPS TOTAL", "IPS IN USE", "IPS FREE"), rows);
    }

    private static List<String> usageRow(String grouping, String cidr, double inUse, double capacity) {
        return List.of(grouping, cidr, GoFloat.g(capacity, 5),
                GoFloat.g(inUse, 5) + " (" + GoFloat.f0(100 * inUse / capacity) + "%)",
                GoFloat.g(capacity - inUse, 5) + " (" + GoFloat.f0(100 * (capacity - inUse) / capacity) + "%)");
    }

    /** calicoctl's showBorrowedDetails: one row per address held by a node other than its block's. */
    static String borrowedTable(IpamUsage usage) {
        List<List<String>> rows = new ArrayList<>();
        for (IpamUsage.BorrowedAddress b : usage.borrowed()) {
            rows.add(List.of(b.address().toString(), b.borrowingNode(), b.block().toString(),
                    b.blockNode() == null ? "" : b.blockNode(), b.type(), b.allocatedTo()));
        }
        String table = BoxTable.render(List.of("IP", "BORROWING-NODE", "BLOCK", "BLOCK OWNER", "TYPE", "ALLOCATED-TO"), rows);
        if (usage.unclassified() != 0) {
            table += "\nNote: found " + usage.unclassified() + " IP allocations without an explicit node association. "
                    + "Unable to determine if they are borrowed.\n";
        }
        return table;
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
        List<List<String>> rows = List.of(
                List.of("StrictAffinity", Boolean.toString(config.strictAffinity())),
                List.of("AutoAllocateBlocks", Boolean.toString(config.autoAllocateBlocks())),
                List.of("MaxBlocksPerHost", Integer.toString(config.maxBlocksPerHost())));
        PrintWriter out = spec.commandLine().getOut();
        out.print(BoxTable.render(List.of("PROPERTY", "VALUE"), rows));
        out.flush();
        return 0;
    }
}
