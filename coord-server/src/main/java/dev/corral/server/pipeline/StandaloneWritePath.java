package dev.corral.server.pipeline;

import dev.corral.server.session.Session;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.RecordedEvents;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.KeeperError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone server's write path: a prepared txn gets the next zxid and is applied at once, each as its own atomic
 * batch written without fsync; the round ends with one fsync for all of them (group commit), before any reply
 * leaves. A crash before that fsync loses only txns nobody was told about.
 */
public final class StandaloneWritePath implements WritePath {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneWritePath.class);

    private final ServerContext ctx;
    private final Sessions sessions;
    private final WatchFiring firing;
    /** True once this round wrote something that must be fsynced before the outbox goes out. */
    private boolean dirty;

    public StandaloneWritePath(ServerContext ctx, Sessions sessions) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.firing = new WatchFiring(ctx);
    }

    @Override
    public boolean take(Work.Request r, Operation op) throws KeeperError, IOException {
        if (op == null || !op.replicated()) {
            return false;
        }
        ClientConnection conn = r.conn();
        BinaryInputArchive in = Jute.input(r.frame(), r.bodyOffset(), r.frame().length - r.bodyOffset(),
                ctx.config().juteMaxBuffer());
        switch (op.kind()) {
            case WRITE -> {
                Record request = op.decode(in);
                Txn txn = op.write().prepare().prepare(ctx.preparer(), request, conn.requestContext());
                long zxid = ctx.zxids().last() + 1;
                NodeMeta meta = apply(zxid, txn);
                reply(conn, r.xid(), zxid, op.write().body().of(txn, meta));
            }
            case MULTI -> multi(r, (MultiRequest) op.decode(in));
            case SYNC -> reply(conn, r.xid(), ctx.zxids().last(),
                    new SyncResponse(((SyncRequest) op.decode(in)).getPath()));
            case CLOSE_SESSION -> {
                long zxid = end(conn.sessionId);
                reply(conn, r.xid(), zxid, null);
                ctx.outbox().close(conn);
            }
            default -> throw new IllegalStateException("not a write: " + op);
        }
        return true;
    }

    private void reply(ClientConnection conn, int xid, long zxid, Record body) {
        ctx.outbox().send(conn, Replies.ok(xid, zxid, body));
    }

    /** Applies {@code txn} as the next zxid; returns the node it created or changed. */
    private NodeMeta apply(long zxid, Txn txn) {
        ZnodeStore.Batch batch = ctx.view().batch();
        NodeMeta meta = ctx.applier().apply(zxid, System.currentTimeMillis(), txn, batch, firing);
        ctx.view().commit(batch, false);
        applied(zxid);
        return meta;
    }

    private void applied(long zxid) {
        ctx.zxids().applied(zxid);
        dirty = true;
    }

    /**
     * A multi: one zxid, one atomic batch, each op prepared against the view that already holds the ones before it.
     * Watches fire only when it commits; a failed multi is dropped from the view and the store never sees it.
     */
    private void multi(Work.Request r, MultiRequest request) {
        long zxid = ctx.zxids().last() + 1;
        long time = System.currentTimeMillis();
        ZnodeStore.Batch batch = ctx.view().batch();
        RecordedEvents events = new RecordedEvents();
        List<NodeMeta> metas = new ArrayList<>();
        Txn.Multi txn = Multis.prepare(request.ops(), r.conn().requestContext(), ctx.preparer(),
                t -> metas.add(ctx.applier().applyPart(zxid, time, t, batch, events)));
        if (Multis.isFailure(txn)) {
            ctx.view().discard();
            reply(r.conn(), r.xid(), ctx.zxids().last(), Multis.response(request.ops(), txn, metas));
            return;
        }
        batch.setLastZxid(zxid);
        ctx.view().commit(batch, false);
        applied(zxid);
        events.replay(firing);
        reply(r.conn(), r.xid(), zxid, Multis.response(request.ops(), txn, metas));
    }

    @Override
    public void requestFailed() {
        ctx.view().discard();
    }

    @Override
    public List<Work.Request> released() {
        return List.of();
    }

    @Override
    public void newSession(ClientConnection conn, int timeoutMs, boolean legacy, long nowMs) {
        long sessionId = ctx.sessions().newSessionId();
        byte[] password = ctx.sessions().newPassword();
        apply(ctx.zxids().last() + 1, new Txn.CreateSession(sessionId, password, timeoutMs));
        ctx.sessions().add(sessionId, password, timeoutMs, nowMs);
        sessions.established(conn, sessionId, password, timeoutMs, legacy);
    }

    @Override
    public void disconnected(ClientConnection conn) {
        // Nothing waits: every write was answered in the round that received it.
    }

    @Override
    public void tick(long nowMs) {
        for (Session s : ctx.sessions().expired(nowMs)) {
            LOG.info("session 0x{} expired after {} ms of silence", Long.toHexString(s.id()), s.timeoutMs());
            ClientConnection owner = ctx.bindings().get(s.id());
            end(s.id());
            if (owner != null) {
                ctx.outbox().close(owner);
            }
        }
    }

    /** Closes a session as a txn (its ephemerals go); returns the txn's zxid. */
    private long end(long sessionId) {
        Session session = ctx.sessions().get(sessionId);
        if (session != null) {
            session.markClosing();
        }
        long zxid = ctx.zxids().last() + 1;
        apply(zxid, new Txn.CloseSession(sessionId));
        sessions.ended(sessionId);
        return zxid;
    }

    @Override
    public boolean sweeps() {
        return true;
    }

    @Override
    public void sweep(String path) {
        apply(ctx.zxids().last() + 1, new Txn.Delete(path));
    }

    @Override
    public void endRound() {
        if (dirty) {
            ctx.store().commit(ctx.store().batch().setLastZxid(ctx.zxids().last()), true);
            dirty = false;
        }
    }

    @Override
    public void beforeTask() {
        // Each txn is in the store as soon as it is applied.
    }

    @Override
    public boolean serving() {
        return true;
    }

    @Override
    public String mode() {
        return "standalone";
    }
}
