package dev.corral.server.ensemble;

import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.pipeline.WatchFiring;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.StoreFailure;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.ZnodeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What every member does with a committed txn: apply it to the tree in zxid order (firing watches), and write the
 * txns applied in a processor round to the store as one batch — one RocksDB write per round rather than per txn;
 * the ZAB log, not this write, is what makes them durable. Processor thread only.
 */
final class CommitApplier {
    private final ServerContext ctx;
    private final WatchFiring firing;
    /** Committed txns applied through the view in this round, not yet written to the store; null if none. */
    private ZnodeStore.Batch applied;

    CommitApplier(ServerContext ctx) {
        this.ctx = ctx;
        this.firing = new WatchFiring(ctx);
    }

    static Envelope decode(long zxid, byte[] payload) {
        try {
            return Envelope.decode(payload);
        } catch (IOException e) {
            throw new StoreFailure("undecodable committed txn at zxid " + zxid, e);
        }
    }

    /**
     * Applies {@code env}'s txn at {@code zxid} unless the tree already holds it (a commit re-delivered after a
     * restart); returns the nodes its ops created or changed, in op order.
     */
    List<NodeMeta> apply(long zxid, Envelope env) {
        List<NodeMeta> metas = new ArrayList<>();
        if (zxid > ctx.view().lastZxid()) {
            if (applied == null) {
                applied = ctx.view().batch();
            }
            if (env.txn() instanceof Txn.Multi m) {
                for (Txn op : m.ops()) {
                    metas.add(ctx.applier().applyPart(zxid, env.time(), op, applied, firing));
                }
                applied.setLastZxid(zxid);
            } else {
                metas.add(ctx.applier().apply(zxid, env.time(), env.txn(), applied, firing));
            }
        }
        ctx.zxids().applied(zxid);
        return metas;
    }

    /**
     * Writes the txns applied since the last call to the store. Called at the end of each round and before
     * anything that reads the store directly or replaces it.
     */
    void flush() {
        if (applied != null) {
            ctx.view().commit(applied, false);
            applied = null;
        }
    }
}
