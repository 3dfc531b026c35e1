package dev.tabby.bgpspeaker.agent;

import dev.tabby.bgpspeaker.config.DatastoreSnapshot;
import dev.tabby.bgpspeaker.config.NodeBgpConfig;
import dev.tabby.bgpspeaker.config.NodeBgpConfigBuilder;
import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The standalone speaker's configuration: a file of Calico resources (BGPConfiguration, Node, BGPPeer and, for the
 * kernel side, IPPool), as calicoctl would apply them, without etcd. The file is read at start (a bad file stops
 * the start with the reason) and again whenever it changes; a bad change is logged and the running configuration
 * kept, as BIRD keeps its configuration when {@code birdc configure} finds an error.
 */
public final class FileConfigSource implements ConfigSource {
    private static final Logger LOG = Logger.getLogger(FileConfigSource.class);

    private final Path file;
    private final String node;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bgp-config-file");
        t.setDaemon(true);
        return t;
    });
    private volatile FileTime loaded;

    /** {@code node} null: the file's only Node. */
    public FileConfigSource(Path file, String node) {
        this.file = file;
        this.node = node;
    }

    /** Reads the file once: the configuration, or an exception naming the file and what is wrong in it. */
    public NodeBgpConfig read() {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the BGP configuration file " + file + ": " + e.getMessage());
        }
        Manifest manifest;
        try {
            manifest = ResourceCodec.read(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        Map<String, BGPConfiguration> configs = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<BGPPeer> peers = new ArrayList<>();
        List<IPPool> pools = new ArrayList<>();
        for (Resource r : manifest.resources()) {
            if (r instanceof BGPConfiguration c) {
                configs.put(c.metadata().name(), c);
            } else if (r instanceof Node n) {
                nodes.add(n);
            } else if (r instanceof BGPPeer p) {
                peers.add(p);
            } else if (r instanceof IPPool p) {
                pools.add(p);
            } else {
                throw new IllegalArgumentException(file + ": a " + r.getClass().getSimpleName() + " has no place in "
                        + "a BGP configuration; use BGPConfiguration, Node, BGPPeer and IPPool");
            }
        }
        String name = node;
        if (name == null) {
            if (nodes.size() != 1) {
                throw new IllegalArgumentException(file + " has " + nodes.size() + " Nodes: say which one this "
                        + "speaker is with --node NAME");
            }
            name = nodes.get(0).metadata().name();
        } else {
            String wanted = name;
            if (nodes.stream().noneMatch(n -> n.metadata().name().equals(wanted))) {
                throw new IllegalArgumentException(file + " has no Node named \"" + name + "\": add one with "
                        + "spec.bgp.ipv4Address, the speaker's router id and source address");
            }
        }
        return new NodeBgpConfigBuilder(name)
                .build(new DatastoreSnapshot(configs, nodes, peers, pools, List.of(), List.of()));
    }

    @Override
    public void start(Consumer<NodeBgpConfig> consumer) {
        loaded = modified();
        consumer.accept(read());
        watcher.scheduleWithFixedDelay(() -> {
            FileTime now = modified();
            if (now == null || now.equals(loaded)) {
                return;
            }
            loaded = now;
            try {
                consumer.accept(read());
                LOG.infof("event=config_reloaded file=%s", file);
            } catch (RuntimeException e) {
                LOG.errorf("event=config_refused file=%s error=\"%s\" action=\"kept the running configuration\"",
                        file, e.getMessage());
            }
        }, 2, 2, TimeUnit.SECONDS);
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public boolean inSync() {
        return true;
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
