package dev.corral.server.pipeline;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.RecordedEvents;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.ZnodeStore;

/**
 * Standalone replication: gives a prepared txn the next zxid and applies it at once. Each txn is its own atomic
 * batch written without fsync; the round ends with one fsync for all of them (group commit), before any reply
 * leaves. A crash before that fsync loses only txns nobody was told about.
 */
final class TxnCommitter {
    private final ServerContext ctx;
    private final WatchFiring firing;

    TxnCommitter(ServerContext ctx) {
        this.ctx = ctx;
        this.firing = new WatchFiring(ctx);
    }

    /** Applies {@code txn}; returns the zxid it got and the node it created or changed. */
    Applied commit(Txn txn) {
        long zxid = ctx.lastZxid + 1;
        ZnodeStore.Batch batch = ctx.view.batch();
        NodeMeta meta = ctx.applier.apply(zxid, System.currentTimeMillis(), txn, batch, firing);
        ctx.view.commit(batch, false);
        ctx.lastZxid = zxid;
        ctx.dirty = true;
        return new Applied(zxid, meta);
    }

    /**
     * Starts a group of txns applied as one (a multi): one zxid, one atomic batch, each txn prepared against the
     * view that already holds the ones before it. Watches fire only when the group commits.
     */
    Group begin() {
        return new Group();
    }

    final class Group {
        private final long zxid = ctx.lastZxid + 1;
        private final long time = System.currentTimeMillis();
        private final ZnodeStore.Batch batch = ctx.view.batch();
        private final RecordedEvents events = new RecordedEvents();

        NodeMeta apply(Txn txn) {
            return ctx.applier.applyPart(zxid, time, txn, batch, events);
        }

        long commit() {
            batch.setLastZxid(zxid);
            ctx.view.commit(batch, false);
            ctx.lastZxid = zxid;
            ctx.dirty = true;
            events.replay(firing);
            return zxid;
        }

        /** Drops everything applied in this group; the store never sees it. */
        void abort() {
            ctx.view.discard();
        }
    }

    /** Makes every txn of this round durable. */
    void syncRound() {
        if (ctx.dirty) {
            ctx.store.commit(ctx.store.batch().setLastZxid(ctx.lastZxid), true);
            ctx.dirty = false;
        }
    }

    record Applied(long zxid, NodeMeta meta) {
    }
}
