package dev.tabby.runtime;

import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one etcd connection of a service, from the TABBY_ETCD_* environment (architecture.md, "Configuration").
 * jetcd connects lazily, so a service starts (and reports not-ready) while etcd is down.
 */
@Singleton
public class DatastoreProducer {

    @Produces
    @Singleton
    @DefaultBean
    public EtcdConfig etcdConfig() {
        return EtcdConfig.fromEnvironment(System.getenv());
    }

    @Produces
    @Singleton
    @DefaultBean
    public KeyValueStore keyValueStore(EtcdConfig config) {
        return KeyValueStore.connect(config);
    }

    void close(@Disposes KeyValueStore store) {
        store.close();
    }
}
