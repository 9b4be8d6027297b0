package dev.corral.server.reconfig;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ReconfigConfig;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration a server runs with and the reconfig requests made against it; owned by the processor thread.
 * A standalone server has none ({@code /zookeeper/config} stays empty, as in ZooKeeper). An ensemble member writes
 * its configuration into {@code /zookeeper/config} at start and, with reconfigEnabled, gives a static (version 0)
 * configuration the version of the first epoch it sees established (ZooKeeper: the NEWLEADER zxid, epoch << 32) and
 * publishes it as a dynamic config file.
 */
public final class ConfigKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigKeeper.class);

    private final ReconfigConfig settings;
    private ClusterConfig current;
    /** On the leader: the configuration it proposed and has not seen committed, or null. */
    private ClusterConfig proposed;
    /** The ids synced with the leader, as this member knows them; null for a standalone server. */
    private Supplier<Set<Integer>> synced;

    public ConfigKeeper(ServerConfig config) {
        this.settings = config.reconfig();
        ClusterConfig c;
        try {
            c = ClusterConfig.of(config.servers(), settings.version());
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e); // ZooCfg has validated the lines already
        }
        this.current = c;
    }

    public ClusterConfig current() {
        return current;
    }

    /**
     * This server is an ensemble member: {@code syncedWithLeader} says who is synced with the leader. Writes the
     * configuration into {@code store}; with reconfigEnabled and a static config, backs zoo.cfg up as ZooKeeper does.
     */
    public void joinEnsemble(ZnodeStore store, Supplier<Set<Integer>> syncedWithLeader, long nowMs) {
        this.synced = syncedWithLeader;
        ConfigNode.write(store, current, nowMs);
        if (settings.enabled() && settings.dynamicConfigFile() == null && settings.configFile() != null) {
            try {
                DynamicConfigFiles.backup(settings.configFile());
            } catch (IOException e) {
                LOG.warn("cannot back up {}: {}", settings.configFile(), e.toString());
            }
        }
    }

    /**
     * The member serves epoch {@code epoch} (an established leader or a synced follower). A reconfig-enabled static
     * configuration takes its version from it, and the store's node is made to match again (a SNAP replaces it).
     * Returns true if the node changed (its data watches fire).
     */
    public boolean established(ZnodeStore store, long epoch, long nowMs) {
        if (synced == null) {
            return false;
        }
        if (settings.enabled() && current.version() == 0 && epoch > 0) {
            current = current.withVersion(epoch << 32);
            LOG.info("configuration established at version {}", Long.toHexString(current.version()));
            publish();
        }
        return ConfigNode.write(store, current, nowMs);
    }

    /**
     * Answers a reconfig request where it cannot be carried out (a standalone server): ZooKeeper's error, in its
     * order; one that passes every check is answered UNIMPLEMENTED, as ZooKeeper's standalone server does.
     */
    public void reconfig(ReconfigRequest request, ReconfigRules.Permission permission) throws KeeperError {
        prepare(request, permission, current.version());
        throw new KeeperError(ErrorCode.UNIMPLEMENTED);
    }

    /**
     * The leader checks a reconfig request (ZooKeeper's errors, in its order) against the configuration as of its
     * last proposal, and returns the configuration it asks for, as {@code version} (the zxid its txn takes, as
     * ZooKeeper writes zxids). The caller proposes it and then calls {@link #proposed}.
     */
    public ClusterConfig prepare(ReconfigRequest request, ReconfigRules.Permission permission, long version)
            throws KeeperError {
        ReconfigRules.State state = new ReconfigRules.State(settings.enabled(), synced == null,
                settings.standaloneEnabled(), current, proposed != null ? proposed.version() : current.version(),
                synced == null ? Set.of() : synced.get());
        return ReconfigRules.next(request, state, version, permission);
    }

    /** The leader proposed {@code next}: until it commits (or the term ends), further reconfigs are in progress. */
    public void proposed(ClusterConfig next) {
        proposed = next;
    }

    /**
     * The change proposed was refused (its error txn committed instead), or a new term began (a change the last one
     * proposed is either in the log, and zab-core refuses another, or gone).
     */
    public void dropProposed() {
        proposed = null;
    }

    /**
     * A configuration committed (or arrived with a snapshot) with a version newer than the current one: it becomes
     * current, its dynamic file is written and zoo.cfg pointed at it, so a restart runs with it. Returns false for
     * one that is not newer (a commit re-delivered after a restart).
     */
    public boolean committed(ClusterConfig next) {
        if (proposed != null && proposed.version() <= next.version()) {
            proposed = null;
        }
        if (next.version() <= current.version() && current.version() != 0) {
            return false;
        }
        current = next;
        LOG.info("configuration {} committed: {}", Long.toHexString(next.version()),
                next.serverLines().trim().replace('\n', ' '));
        publish();
        return true;
    }

    private void publish() {
        if (settings.configFile() != null) {
            try {
                LOG.info("configuration written to {}", DynamicConfigFiles.publish(settings.configFile(), current));
            } catch (IOException e) {
                LOG.warn("cannot write the dynamic config file beside {}: {}", settings.configFile(), e.toString());
            }
        }
    }
}
