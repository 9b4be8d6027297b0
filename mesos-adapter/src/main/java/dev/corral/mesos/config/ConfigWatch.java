package dev.corral.mesos.config;

import dev.corral.mesos.ha.FrameworkPaths;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration document (a single-node CuratorCache, so a watch, no polling) and hands each new valid
 * version on; an invalid one is reported and skipped, so whoever applies configuration keeps the last valid version.
 */
public final class ConfigWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatch.class);

    private final CuratorCache cache;

    public ConfigWatch(CuratorFramework client, FrameworkPaths paths, Consumer<ConfigStore.Versioned> valid,
                       Consumer<InvalidVersion> invalid) {
        this.cache = CuratorCache.build(client, paths.config(), CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> {
                    int version = after.getStat().getVersion();
                    try {
                        valid.accept(new ConfigStore.Versioned(version, ConfigCodec.decode(after.getData())));
                    } catch (InvalidConfigException e) {
                        LOG.error("Configuration version {} refused: {}", version, e.getMessage());
                        invalid.accept(new InvalidVersion(version, e));
                    }
                })
                .build());
    }

    /** A stored version that did not validate (written around the CLI, e.g. with zkCli). */
    public record InvalidVersion(int version, InvalidConfigException problem) {}

    public void start() {
        cache.start();
    }

    @Override
    public void close() {
        cache.close();
    }
}
