package dev.tabby.ctl.commands;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.ClusterInformation;
import dev.tabby.model.v3.Kind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import dev.tabby.ctl.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Show the client version and, when reachable, the cluster's.")
public final class VersionCommand implements Callable<Integer> {
    @Option(names = "--client", description = "only the client version; do not contact etcd")
    boolean clientOnly;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** For {@code tabbyctl --version}: the client version alone, as {@code version --client} prints it first. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Client Version:    " + clientVersion()};
        }
    }

    static String clientVersion() {
        String version = VersionCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : "v" + version;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Client Version:    " + clientVersion());
        out.println("API Version:       projectcalico.org/v3 (Calico v3.18 resources)");
        if (clientOnly) {
            return 0;
        }
        try (Connection.Session session = main.connection().open()) {
            var info = session.store().get(new ResourceId(Kind.CLUSTER_INFORMATION, null, "default"))
                    .map(r -> (ClusterInformation) r);
            out.println("Cluster Version:   " + info.map(i -> i.spec() == null ? null : i.spec().calicoVersion()).orElse("unknown (no ClusterInformation)"));
            out.println("Cluster Type:      " + info.map(i -> i.spec() == null ? null : i.spec().clusterType()).orElse("unknown"));
        } catch (DatastoreException e) {
            out.println("Cluster Version:   unknown (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return 1;
        }
        return 0;
    }
}
