package dev.corral.zab;

import java.util.ArrayList;
import java.util.List;

/**
 * Planted bug SYNCED_AS_COMMIT, on a leader's wire: each SYNCED goes out as a COMMIT of the same zxid, which is
 * exactly what a follower that committed on the leader's durable copy alone, without waiting for its own fsync, would
 * do with it. The checker sees "committed is durable on a quorum" fail.
 */
public final class SyncedAsCommit implements WireTap {
    private final Runnable onRewrite;

    /** @param onRewrite called for every SYNCED rewritten */
    public SyncedAsCommit(Runnable onRewrite) {
        this.onRewrite = onRewrite;
    }

    @Override
    public List<Outbound> sending(List<Outbound> out) {
        List<Outbound> result = new ArrayList<>(out.size());
        for (Outbound o : out) {
            if (o.message() instanceof Message.Synced s) {
                result.add(new Outbound(o.to(), new Message.Commit(s.epoch(), s.zxid())));
                onRewrite.run();
            } else {
                result.add(o);
            }
        }
        return result;
    }
}
