package dev.tabby.runtime;

import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one etcd connection of a service, from the TABBY_ETCD_* settings (architecture.md, "Configuration"). They are
 * read through MicroProfile Config, so the environment works as documented and tests can set them as properties.
 * jetcd connects lazily: a service starts, and reports not-ready, while etcd is down.
 */
@Singleton
public class DatastoreProducer {
    private static final List<String> SETTINGS = List.of(EtcdConfig.ENDPOINTS_VAR, EtcdConfig.CA_FILE_VAR,
            EtcdConfig.CERT_FILE_VAR, EtcdConfig.KEY_FILE_VAR, EtcdConfig.USERNAME_VAR, EtcdConfig.PASSWORD_VAR,
            EtcdConfig.TIMEOUT_VAR);

    @Produces
    @Singleton
    @DefaultBean
    public EtcdConfig etcdConfig() {
        Config config = ConfigProvider.getConfig();
        Map<String, String> settings = new HashMap<>();
        for (String name : SETTINGS) {
            config.getOptionalValue(name, String.class).ifPresent(v -> settings.put(name, v));
        }
        return EtcdConfig.fromEnvironment(settings);
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
