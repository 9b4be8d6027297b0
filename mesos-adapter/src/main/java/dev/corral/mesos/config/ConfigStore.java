package dev.corral.mesos.config;

import dev.corral.mesos.ha.FrameworkPaths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned configuration document at {@code <framework>/config}. Its znode version is the document version; a
 * write names the version it replaces and loses (with {@link ConfigConflictException}) if another write came first.
 * Each version is also written, in the same multi, as {@code config-history/v-<version>}; the newest
 * {@link #HISTORY_KEEP} are kept, which is what {@code rollback} can go back to.
 */
public final class ConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
    public static final int HISTORY_KEEP = 20;

    /** A document as stored, valid or not: the scheduler keeps running the last valid one when it is not. */
    public record Stored(int version, byte[] data, long modifiedMillis) {
        public FrameworkConfig decode() throws InvalidConfigException {
            return ConfigCodec.decode(data);
        }
    }

    /** A valid document and its version. */
    public record Versioned(int version, FrameworkConfig config) {}

    /** What a starting scheduler runs, and why not the stored version if it cannot. */
    public record Startup(Versioned running, Optional<String> problem) {}

    private final CuratorFramework client;
    private final FrameworkPaths paths;

    public ConfigStore(CuratorFramework client, FrameworkPaths paths) {
        this.client = client;
        this.paths = paths;
    }

    public FrameworkPaths paths() {
        return paths;
    }

    public Optional<Stored> stored() throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(paths.config());
            return Optional.of(new Stored(stat.getVersion(), data, stat.getMtime()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** The current document; an invalid stored one is reported, never silently replaced. */
    public Optional<Versioned> current() throws Exception {
        Optional<Stored> s = stored();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Versioned(s.get().version(), s.get().decode()));
    }

    /** Stores {@code seed} as version 0 unless a document exists; either way returns what is stored (it rules). */
    public Versioned seed(FrameworkConfig seed) throws Exception {
        byte[] data = ConfigCodec.encode(seed);
        ensure(paths.root());
        ensure(paths.configHistory());
        try {
            client.transaction().forOperations(
                    client.transactionOp().create().forPath(paths.config(), data),
                    client.transactionOp().create().forPath(history(0), data));
            LOG.info("Configuration version 0 seeded from the command line");
            return new Versioned(0, seed);
        } catch (KeeperException.NodeExistsException e) {
            return current().orElseThrow(() -> new IllegalStateException("configuration vanished while seeding"));
        }
    }

    /**
     * What a scheduler instance starts with: the stored document (seeded from {@code seed} if none is stored and a seed
     * is given). If the stored one does not validate (written around the CLI), the newest kept valid version, and why.
     */
    public Startup startup(Optional<FrameworkConfig> seed) throws Exception {
        try {
            if (seed.isPresent()) {
                Versioned v = seed(seed.get());
                if (!v.config().equals(seed.get())) {
                    LOG.info("Configuration version {} is stored and rules; the task flags only seed version 0", v.version());
                }
                return new Startup(v, Optional.empty());
            }
            return new Startup(current().orElseThrow(() -> new IllegalStateException("no configuration stored at "
                    + paths.config() + ": give the task flags (--command ...) to seed it")), Optional.empty());
        } catch (InvalidConfigException e) {
            List<Stored> kept = new ArrayList<>(history());
            Collections.reverse(kept);
            for (Stored h : kept) {
                Optional<FrameworkConfig> c = decodeQuietly(h.data());
                if (c.isPresent()) {
                    String problem = "stored configuration refused (" + e.getMessage() + "); running version " + h.version();
                    LOG.error("{}", problem);
                    return new Startup(new Versioned(h.version(), c.get()), Optional.of(problem));
                }
            }
            throw e;
        }
    }

    /**
     * The spec hash of version 0, if kept: what task records written before records carried a hash were launched
     * with (the kit's flags, which seed version 0).
     */
    public Optional<String> seedSpecHash() throws Exception {
        return version(0).flatMap(ConfigStore::decodeQuietly).map(FrameworkConfig::specHash);
    }

    private static Optional<FrameworkConfig> decodeQuietly(byte[] data) {
        try {
            return Optional.of(ConfigCodec.decode(data));
        } catch (InvalidConfigException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code config} as the version after {@code expectedVersion}; returns the new version. */
    public int set(int expectedVersion, FrameworkConfig config) throws Exception {
        byte[] data = ConfigCodec.encode(config);
        int next = expectedVersion + 1;
        try {
            client.transaction().forOperations(
                    client.transactionOp().setData().withVersion(expectedVersion).forPath(paths.config(), data),
                    client.transactionOp().create().forPath(history(next), data));
        } catch (KeeperException.BadVersionException e) {
            throw new ConfigConflictException(expectedVersion, stored().map(Stored::version).orElse(-1));
        } catch (KeeperException.NoNodeException e) {
            if (stored().isEmpty()) {
                throw new IllegalStateException("no configuration stored yet: start `corral-mesos run` once to seed it from its flags");
            }
            ensure(paths.configHistory());
            return set(expectedVersion, config);
        } catch (KeeperException.NodeExistsException e) {
            // A history entry for that version is left from an older document (the config znode was re-created).
            client.delete().forPath(history(next));
            return set(expectedVersion, config);
        }
        prune();
        return next;
    }

    /** Writes past version {@code version}'s content as a new version (after {@code expectedVersion}). */
    public int rollback(int version, int expectedVersion) throws Exception {
        byte[] old = version(version).orElseThrow(() -> new IllegalArgumentException("version " + version
                + " is not kept (history keeps the newest " + HISTORY_KEEP + "; see `config history`)"));
        return set(expectedVersion, ConfigCodec.decode(old));
    }

    public Optional<byte[]> version(int version) throws Exception {
        try {
            return Optional.of(client.getData().forPath(history(version)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** Kept versions, oldest first. */
    public List<Stored> history() throws Exception {
        List<Stored> out = new ArrayList<>();
        for (int v : versions()) {
            Stat stat = new Stat();
            try {
                out.add(new Stored(v, client.getData().storingStatIn(stat).forPath(history(v)), stat.getCtime()));
            } catch (KeeperException.NoNodeException pruned) {
                // Pruned meanwhile.
            }
        }
        return out;
    }

    private List<Integer> versions() throws Exception {
        List<Integer> out = new ArrayList<>();
        try {
            for (String c : client.getChildren().forPath(paths.configHistory())) {
                if (c.startsWith("v-")) {
                    out.add(Integer.parseInt(c.substring(2)));
                }
            }
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        Collections.sort(out);
        return out;
    }

    private void prune() throws Exception {
        List<Integer> vs = versions();
        for (int i = 0; i < vs.size() - HISTORY_KEEP; i++) {
            try {
                client.delete().forPath(history(vs.get(i)));
            } catch (KeeperException.NoNodeException raced) {
                // Another writer pruned it.
            }
        }
    }

    private String history(int version) {
        return paths.configHistory() + "/v-" + String.format("%010d", version);
    }

    private void ensure(String path) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException fine) {
            // Already there.
        }
    }
}
