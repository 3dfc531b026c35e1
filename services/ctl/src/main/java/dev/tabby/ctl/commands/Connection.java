package dev.tabby.ctl.commands;

import dev.tabby.ctl.Env;
import dev.tabby.ctl.config.ClientConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where etcd is: options declared once on the root command and inherited by every subcommand, so they may stand
 * before or after the subcommand's name.
 */
public final class Connection {
    @Option(names = "--etcd-endpoints", paramLabel = "URLS", scope = ScopeType.INHERIT,
            description = "etcd endpoints, comma-separated (default: $TABBY_ETCD_ENDPOINTS, the config file, "
                    + "$ETCD_ENDPOINTS, http://127.0.0.1:2379)")
    String endpoints;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "CalicoAPIConfig file, as calicoctl's (default: /etc/tabby/tabbyctl.cfg, else "
                    + "/etc/calico/calicoctl.cfg, if present)")
    Path config;

    /** Opens the store; the caller closes the returned handle. */
    public Session open() {
        KeyValueStore kv = KeyValueStore.connect(ClientConfig.resolve(endpoints, config, Env.get()));
        return new Session(kv, new ResourceStore(kv));
    }

    public record Session(KeyValueStore kv, ResourceStore store) implements AutoCloseable {
        @Override
        public void close() {
            kv.close();
        }
    }
}
