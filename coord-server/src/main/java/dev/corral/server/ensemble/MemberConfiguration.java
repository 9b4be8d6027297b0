package dev.corral.server.ensemble;

import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.pipeline.WatchFiring;
import dev.corral.server.reconfig.ConfigKeeper;
import dev.corral.server.replication.PeerStatus;
import dev.corral.server.replication.ZabDriver;
import dev.corral.server.tree.SpecialPaths;
import java.util.Set;
import java.util.TreeSet;

/**
 * A member's side of {@link ConfigKeeper}: who is synced with the leader (the driver's view on a leader; on a
 * follower, which cannot see the leader's, every member of the configuration), and the configuration node kept in
 * step with the epochs this member serves. Processor thread.
 */
final class MemberConfiguration {
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

    /** The member's role changed: once it serves an epoch, the configuration node matches what it runs with. */
    void established(PeerStatus s) {
        if (s.active() && keeper.established(ctx.store(), s.epoch(), System.currentTimeMillis())) {
            new WatchFiring(ctx).dataChanged(SpecialPaths.CONFIG, keeper.current().version());
        }
    }
}
