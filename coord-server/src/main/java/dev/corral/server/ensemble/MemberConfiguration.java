package dev.corral.server.ensemble;

import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.pipeline.WatchFiring;
import dev.corral.server.reconfig.ConfigKeeper;
import dev.corral.server.replication.PeerStatus;
import dev.corral.server.replication.ZabDriver;
import dev.corral.server.tree.SpecialPaths;
import dev.corral.server.config.ConfigException;
import dev.corral.server.reconfig.ClusterConfig;
import dev.corral.server.replication.PeerAddresses;
import dev.corral.server.replication.QuorumTransport;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * A member's side of {@link ConfigKeeper}: who is synced with the leader (the driver's view on a leader; on a
 * follower, which cannot see the leader's, every member of the configuration), and the configuration node kept in
 * step with the epochs this member serves. Processor thread.
 */
final class MemberConfiguration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MemberConfiguration.class);
    private final ServerContext ctx;
    private final ConfigKeeper keeper;
    private final int myId;
    private final ZabDriver driver;

    MemberConfiguration(ServerContext ctx, int myId, ZabDriver driver) {
        this.ctx = ctx;
        this.keeper = ctx.reconfig();
        this.myId = myId;
        this.driver = driver;
        keeper.joinEnsemble(ctx.store(), this::synced, System.currentTimeMillis());
    }

    private Set<Integer> synced() {
        if (driver.status().canPropose()) {
            Set<Integer> ids = new TreeSet<>(driver.syncedPeers());
            ids.add(myId);
            return ids;
        }
        return keeper.current().members().keySet();
    }

    /**
     * A config change of {@code version} committed (the tree has it already): the member runs with it from now on — its
     * dynamic config file, the quorum peers it dials — and says so if it is no longer listed.
     */
    void committed(long version, String serverLines, QuorumTransport transport) {
        ClusterConfig next;
        try {
            next = ClusterConfig.parse(serverLines, version);
        } catch (ConfigException e) {
            throw new IllegalStateException("committed config " + Long.toHexString(version) + ": " + e.getMessage(),
                    e);
        }
        switchTo(next, transport);
    }

    /** A snapshot replaced the store: a configuration newer than this member's came with it. */
    void storeReplaced(QuorumTransport transport) {
        byte[] data = ctx.store().data(SpecialPaths.CONFIG);
        if (data == null || data.length == 0) {
            return;
        }
        try {
            ClusterConfig inStore = ClusterConfig.parse(new String(data, StandardCharsets.UTF_8), 0);
            if (inStore.version() > keeper.current().version()) {
                switchTo(inStore, transport);
            }
        } catch (ConfigException e) {
            LOG.warn("server {}: the snapshot's {} does not parse: {}", myId, SpecialPaths.CONFIG, e.getMessage());
        }
    }

    private void switchTo(ClusterConfig next, QuorumTransport transport) {
        if (!keeper.committed(next)) {
            return;
        }
        transport.updatePeers(PeerAddresses.quorumAddresses(next.serverValues()));
        if (!next.members().containsKey(myId)) {
            // A joiner hears of the current configuration (from a snapshot) before the reconfig that adds it.
            LOG.warn("server {}: configuration {} does not list this server: a server being added learns until the "
                    + "reconfig that adds it commits; a removed one stops serving clients and keeps running, as "
                    + "ZooKeeper's removed servers do", myId, Long.toHexString(next.version()));
        }
    }

    /** The member's role changed: once it serves an epoch, the configuration node matches what it runs with. */
    void established(PeerStatus s) {
        if (s.active() && keeper.established(ctx.store(), s.epoch(), System.currentTimeMillis())) {
            new WatchFiring(ctx).dataChanged(SpecialPaths.CONFIG, keeper.current().version());
        }
    }
}
