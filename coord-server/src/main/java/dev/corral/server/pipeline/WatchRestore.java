package dev.corral.server.pipeline;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.watch.Notification;
import dev.corral.server.watch.WatchKind;
import dev.corral.server.wire.EventType;
import java.util.List;

/**
 * Re-arms a reconnecting client's watches (SetWatches / SetWatches2), firing at once those whose node changed
 * after {@code relativeZxid}, the last zxid the client saw — ZooKeeper's DataTree.setWatches rules.
 */
final class WatchRestore {
    private final ServerContext ctx;

    WatchRestore(ServerContext ctx) {
        this.ctx = ctx;
    }

    void restore(ClientConnection conn, long relativeZxid, List<String> dataWatches, List<String> existWatches,
                 List<String> childWatches, List<String> persistent, List<String> recursive) {
        for (String path : dataWatches) {
            NodeMeta meta = ctx.view().meta(path);
            if (meta == null) {
                fire(conn, EventType.NODE_DELETED, path);
            } else if (meta.mzxid() > relativeZxid) {
                fire(conn, EventType.NODE_DATA_CHANGED, path);
            } else {
                ctx.watches().add(path, conn, WatchKind.DATA);
            }
        }
        for (String path : existWatches) {
            if (ctx.view().meta(path) != null) {
                fire(conn, EventType.NODE_CREATED, path);
            } else {
                ctx.watches().add(path, conn, WatchKind.DATA);
            }
        }
        for (String path : childWatches) {
            NodeMeta meta = ctx.view().meta(path);
            if (meta == null) {
                fire(conn, EventType.NODE_DELETED, path);
            } else if (meta.pzxid() > relativeZxid) {
                fire(conn, EventType.NODE_CHILDREN_CHANGED, path);
            } else {
                ctx.watches().add(path, conn, WatchKind.CHILD);
            }
        }
        for (String path : persistent) {
            ctx.watches().add(path, conn, WatchKind.PERSISTENT);
        }
        for (String path : recursive) {
            ctx.watches().add(path, conn, WatchKind.PERSISTENT_RECURSIVE);
        }
    }

    private void fire(ClientConnection conn, int type, String path) {
        ctx.outbox().send(conn, Replies.notification(new Notification(conn, type, path, -1L)));
    }
}
