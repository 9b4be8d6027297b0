package dev.corral.server.ensemble;

import dev.corral.server.pipeline.ClientConnection;
import dev.corral.server.pipeline.MultiRequest;
import dev.corral.server.pipeline.Multis;
import dev.corral.server.pipeline.Operation;
import dev.corral.server.pipeline.Operations;
import dev.corral.server.pipeline.Replies;
import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.pipeline.Sessions;
import dev.corral.server.pipeline.Work;
import dev.corral.server.pipeline.WritePath;
import dev.corral.server.replication.PeerStatus;
import dev.corral.server.session.Session;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import dev.corral.server.tree.TreeApplier;
import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ensemble member's write path (docs/architecture.md): every write goes to the leader ({@link Forwarder}), which
 * prepares it against the tree plus the txns in flight and proposes it ({@link Proposer}); every member applies
 * committed txns in zxid order ({@link CommitApplier}); the member holding the client's connection answers. Its
 * {@code on...} methods take what the replication driver reports and run on the processor thread (the
 * {@link EnsembleMember} hands them over).
 */
public final class ReplicatedWritePath implements WritePath {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedWritePath.class);

    private final ServerContext ctx;
    private final Sessions sessions;
    private final Replication replication;
    private final Forwarder forwarder;
    private final Proposer proposer;
    private final CommitApplier applier;
    private final LeaderChangeBridge bridge;
    private PeerStatus status = PeerStatus.STARTING;

    public ReplicatedWritePath(ServerContext ctx, Sessions sessions, Replication replication) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.replication = replication;
        this.proposer = new Proposer(ctx, replication);
        this.applier = new CommitApplier(ctx);
        this.forwarder = new Forwarder(ctx, sessions, replication, this::leaderFrame);
        this.bridge = new LeaderChangeBridge(ctx, replication, forwarder);
    }

    // ------------------------------------------------------------------ what replication reports

    /**
     * This member's role changed. A new term starts every client over, as ZooKeeper's followers do, unless a follower
     * or observer keeps them while it moves to the next leader ({@link LeaderChangeBridge}).
     */
    void onStatus(PeerStatus next, long nowMs) {
        flushApplied();
        PeerStatus previous = status;
        status = next;
        boolean sameTerm = previous.active() && next.active() && previous.leaderId() == next.leaderId()
                && previous.epoch() == next.epoch();
        if (sameTerm) {
            return;
        }
        LOG.info("server {}: {} -> {}", replication.myId(), previous, next);
        if (!bridge.onStatus(previous, next, nowMs)) {
            // Whatever was forwarded or proposed may be lost: every client reconnects and resends.
            forwarder.reset();
        }
        proposer.reset(ctx.zxids().last(), next.epoch());
        if (next.canPropose()) {
            for (Session s : ctx.sessions().all()) {
                s.touch(nowMs);
            }
        }
    }

    /** A host frame from another member: forwarded writes and session touches for the leader. */
    void onPeerFrame(int from, byte[] bytes, long nowMs) {
        PeerFrame frame;
        try {
            frame = PeerFrame.decode(bytes);
        } catch (IOException e) {
            LOG.warn("server {}: bad frame from server {}: {}", replication.myId(), from, e.toString());
            return;
        }
        List<PeerFrame> frames = frame instanceof PeerFrame.Batch b ? b.frames() : List.of(frame);
        for (PeerFrame f : frames) {
            if (f instanceof PeerFrame.Touch t) {
                Forwarder.touch(ctx, t.sessionIds(), nowMs);
            } else {
                leaderFrame(f);
            }
        }
    }

    private void leaderFrame(PeerFrame frame) {
        if (!status.canPropose()) {
            return;
        }
        proposer.onFrame(frame);
        if (proposer.tainted()) {
            applier.flush();
            proposer.replay();
        }
    }

    /** A committed txn, in zxid order: apply it, then the session's effects, then answer the client if it is here. */
    void onCommitted(long zxid, byte[] payload, long nowMs) {
        Envelope env = status.canPropose() ? proposer.committed(payload) : null;
        if (env == null) {
            env = CommitApplier.decode(zxid, payload);
        }
        List<NodeMeta> metas = applier.apply(zxid, env);
        if (!status.canPropose()) {
            proposer.followed(zxid);
        }
        sessionEffects(env, nowMs);
        if (env.txn() instanceof Txn.Reconfig r && !metas.isEmpty()) {
            replication.configurationCommitted(r.version(), r.serverLines());
        } else if (env.type() == OpCode.RECONFIG && status.canPropose()) {
            ctx.reconfig().dropProposed(); // refused, by the rules or by zab-core: the next one may go
        }
        if (env.origin() == replication.myId()) {
            answer(env, metas);
        }
        forwarder.applied();
        bridge.applied();
    }

    /** A snapshot replaced this member's store: clients kept across a leader change start over after all. */
    void onStoreReplaced() {
        if (bridge.storeReplaced()) {
            forwarder.reset();
        }
    }

    private void sessionEffects(Envelope env, long nowMs) {
        if (env.txn() instanceof Txn.CreateSession cs) {
            ctx.sessions().add(cs.sessionId(), cs.password(), cs.timeoutMs(), nowMs);
            if (env.origin() == replication.myId()) {
                Forwarder.PendingConnect pc = forwarder.connected(env.xid());
                if (pc != null) {
                    sessions.established(pc.conn(), cs.sessionId(), cs.password(), pc.timeoutMs(), pc.legacy());
                }
            }
        } else if (env.txn() instanceof Txn.CloseSession cs) {
            ctx.sessions().remove(cs.sessionId());
            ClientConnection owner = ctx.bindings().get(cs.sessionId());
            // A client's own close is answered (then closed) by answer(); an expiry (xid 0) or a close ordered
            // elsewhere just drops the connection.
            boolean ownRequest = env.origin() == replication.myId() && env.xid() != 0;
            if (owner != null && !ownRequest) {
                forwarder.closeClient(owner);
            }
        }
    }

    private void answer(Envelope env, List<NodeMeta> metas) {
        if (env.type() == OpCode.CREATE_SESSION) {
            return;
        }
        ClientConnection conn = ctx.bindings().get(env.sessionId());
        if (conn == null) {
            return;
        }
        Forwarder.WriteSlot w = forwarder.committed(conn, env.xid());
        if (w == null) {
            if (env.xid() != 0) {
                LOG.warn("server {}: reply for xid {} of session 0x{} found no waiting request; closing it",
                        replication.myId(), env.xid(), Long.toHexString(env.sessionId()));
                forwarder.closeClient(conn);
            }
            return;
        }
        ctx.outbox().send(conn, reply(w, env, metas));
        ctx.writeAnswered(w.receivedNanos());
        if (env.type() == OpCode.CLOSE_SESSION) {
            forwarder.closeClient(conn);
            return;
        }
        forwarder.releaseReads(conn);
    }

    private byte[] reply(Forwarder.WriteSlot w, Envelope env, List<NodeMeta> metas) {
        Txn txn = env.txn();
        long zxid = ctx.zxids().last();
        if (txn instanceof Txn.Error e) {
            return Replies.error(w.xid(), zxid, e.code());
        }
        try {
            BinaryInputArchive in = Jute.input(w.body(), 0, w.body().length, ctx.config().juteMaxBuffer());
            Operation op = Operations.get(w.type());
            return switch (op.kind()) {
                case CLOSE_SESSION -> Replies.ok(w.xid(), zxid, null);
                case SYNC -> Replies.ok(w.xid(), zxid, new SyncResponse(((SyncRequest) op.decode(in)).getPath()));
                case MULTI -> Replies.ok(w.xid(), zxid,
                        Multis.response(((MultiRequest) op.decode(in)).ops(), (Txn.Multi) txn, metas));
                // As ZooKeeper's reconfig: the new configuration's text and the Stat of /zookeeper/config.
                case ADMIN -> Replies.ok(w.xid(), zxid, new GetDataResponse(TreeApplier.configText(
                        ((Txn.Reconfig) txn).serverLines(), ((Txn.Reconfig) txn).version())
                        .getBytes(StandardCharsets.UTF_8), metas.get(0).toStat()));
                default -> Replies.ok(w.xid(), zxid,
                        op.write().body().of(txn, metas.isEmpty() ? null : metas.get(0)));
            };
        } catch (IOException e) {
            return Replies.error(w.xid(), zxid, ErrorCode.MARSHALLING_ERROR);
        }
    }

    // ------------------------------------------------------------------ WritePath

    @Override
    public boolean take(Work.Request request, Operation op) {
        return forwarder.take(request, op, status);
    }

    @Override
    public void requestFailed() {
        // The view holds this round's committed txns, and requests answered here only read: nothing to drop.
    }

    @Override
    public List<Work.Request> released() {
        return forwarder.released();
    }

    @Override
    public void newSession(ClientConnection conn, int timeoutMs, boolean legacy, long nowMs) {
        forwarder.requestSession(conn, timeoutMs, legacy, status);
    }

    @Override
    public void disconnected(ClientConnection conn) {
        forwarder.disconnected(conn);
    }

    @Override
    public void tick(long nowMs) {
        if (bridge.expired(nowMs)) {
            LOG.info("server {}: no new leader in time: its clients start over", replication.myId());
            forwarder.reset();
        }
        forwarder.tick(nowMs, status);
        if (status.canPropose()) {
            ctx.sessions().expired(nowMs).forEach(proposer::expire);
        }
    }

    @Override
    public boolean sweeps() {
        return status.canPropose();
    }

    @Override
    public void sweep(String path) {
        proposer.sweep(path);
    }

    @Override
    public void endRound() {
        forwarder.flush(status);
    }

    /** The store write of the round's commits is off the replies' path: their durability is the ZAB log's. */
    @Override
    public void afterReplies() {
        flushApplied();
    }

    @Override
    public void beforeTask() {
        flushApplied();
    }

    private void flushApplied() {
        applier.flush();
        if (status.canPropose()) {
            proposer.trim(ctx.zxids().last());
        }
    }

    int speculativeRecords() {
        return proposer.heldRecords();
    }

    @Override
    public boolean serving() {
        return status.active();
    }

    @Override
    public String mode() {
        // A server removed by reconfig keeps running without serving; ZooKeeper's would say "looking".
        return replication.isMember() ? status.mode() : "removed";
    }

    @Override
    public java.util.concurrent.CompletableFuture<String> leadership(boolean yield) {
        return replication.leadership(yield);
    }

    @Override
    public java.util.Map<String, Object> roleFields() {
        return replication.leaderFields();
    }
}
