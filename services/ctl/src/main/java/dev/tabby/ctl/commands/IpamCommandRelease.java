package dev.tabby.ctl.commands;

import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.ReleaseRequest;
import dev.tabby.ipam.ReleaseResult;
import dev.tabby.model.net.IpAddress;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tabbyctl ipam release --ip IP}: frees one allocated address, whoever holds it. */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Release an allocated IP address (e.g. one ipam check reported as leaked).")
public final class IpamCommandRelease implements Callable<Integer> {
    @Option(names = "--ip", required = true, paramLabel = "IP", description = "the address to release")
    String ip;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        IpAddress address;
        try {
            address = IpAddress.parse(ip);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ip: " + e.getMessage() + "; give an IPv4 or IPv6 address, e.g. 10.0.0.5");
        }
        ReleaseResult result;
        try (Connection.Session session = IpamCommand.main(spec).connection().open()) {
            result = new Ipam(session.kv()).releaseIps(List.of(ReleaseRequest.of(address)));
        }
        if (result.released().isEmpty()) {
            throw new IllegalArgumentException(address + " is not allocated in IPAM; nothing to release");
        }
        spec.commandLine().getOut().println("Successfully released IP address " + address);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
