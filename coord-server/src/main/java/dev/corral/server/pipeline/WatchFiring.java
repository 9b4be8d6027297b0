package dev.corral.server.pipeline;

import dev.corral.server.tree.TreeEvents;
import dev.corral.server.watch.Notification;
import dev.corral.server.wire.EventType;

/** Turns applied changes into watch notifications, queued ahead of the reply that shows the change. */
public final class WatchFiring implements TreeEvents {
    private final ServerContext ctx;

    public WatchFiring(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void nodeCreated(String path, long zxid) {
        fire(path, EventType.NODE_CREATED, zxid);
    }

    @Override
    public void nodeDeleted(String path, long zxid) {
        fire(path, EventType.NODE_DELETED, zxid);
    }

    @Override
    public void dataChanged(String path, long zxid) {
        fire(path, EventType.NODE_DATA_CHANGED, zxid);
    }

    @Override
    public void childrenChanged(String parentPath, long zxid) {
        fire(parentPath, EventType.NODE_CHILDREN_CHANGED, zxid);
    }

    private void fire(String path, int type, long zxid) {
        for (Notification n : ctx.watches().trigger(path, type, zxid)) {
            ctx.outbox().send((ClientConnection) n.watcher(), Replies.notification(n));
        }
    }
}
