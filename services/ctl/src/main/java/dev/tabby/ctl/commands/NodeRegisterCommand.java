package dev.tabby.ctl.commands;

import dev.tabby.ctl.Env;
import dev.tabby.ctl.Main;
import dev.tabby.ctl.node.NodeRegistration;
import dev.tabby.datastore.status.NodeName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * calico-node's start-up job: find this node's address, write its Node, and create the cluster defaults (IP pool,
 * FelixConfiguration, ClusterInformation) when none exist. Run once per node before its services.
 */
@Command(name = "register", mixinStandardHelpOptions = true, description = "Register this node: detect its address, write its Node, create cluster defaults.")
public final class NodeRegisterCommand implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "NODE", description = "node name (default: $TABBY_NODENAME, then the host name)")
    String name;

    @Option(names = "--ip", defaultValue = "autodetect", paramLabel = "ADDR/LEN|autodetect|none",
            description = "the node's IPv4 address with prefix length (default: autodetect)")
    String ip;

    @Option(names = "--ip-autodetection-method", defaultValue = "first-found", paramLabel = "METHOD",
            description = "first-found, can-reach=DEST, interface=REGEX, skip-interface=REGEX or cidr=CIDR[,CIDR]")
    String ipMethod;

    @Option(names = "--ip6", defaultValue = "none", paramLabel = "ADDR/LEN|autodetect|none",
            description = "the node's IPv6 address (default: none)")
    String ip6;

    @Option(names = "--ip6-autodetection-method", defaultValue = "first-found", paramLabel = "METHOD")
    String ip6Method;

    @Option(names = "--as-number", paramLabel = "ASN", description = "the node's BGP AS number (default: the cluster's)")
    String asNumber;

    @Option(names = "--default-pool-cidr", defaultValue = "192.168.0.0/16", paramLabel = "CIDR")
    String poolCidr;

    @Option(names = "--default-pool-block-size", defaultValue = "26", paramLabel = "N")
    int poolBlockSize;

    @Option(names = "--default-pool-ipip-mode", defaultValue = "Always", paramLabel = "MODE", description = "Always, CrossSubnet or Never")
    String poolIpipMode;

    @Option(names = "--default-pool-vxlan-mode", defaultValue = "Never", paramLabel = "MODE", description = "Always, CrossSubnet or Never")
    String poolVxlanMode;

    @Option(names = "--no-default-pool", description = "do not create the default IP pool")
    boolean noDefaultPool;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String node = name != null ? name : NodeName.resolve(Env.get());
        NodeRegistration.Request request = new NodeRegistration.Request(node, ip, ipMethod, ip6, ip6Method, asNumber,
                null, noDefaultPool ? null : new NodeRegistration.DefaultPool(poolCidr, poolBlockSize, poolIpipMode, poolVxlanMode),
                Env.get().get("CLUSTER_TYPE"));
        Main main = (Main) spec.parent().parent().userObject();
        try (Connection.Session session = main.connection().open()) {
            NodeRegistration.register(session.store(), request).forEach(spec.commandLine().getOut()::println);
        }
        return 0;
    }
}
