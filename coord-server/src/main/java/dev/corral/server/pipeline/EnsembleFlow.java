package dev.corral.server.pipeline;

import dev.corral.server.session.Session;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.PendingTree;
import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.TreeApplier;
import dev.corral.server.tree.TreeEvents;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnPreparer;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request flow of a server in an ensemble (see docs/ensemble.md). Every write goes to the leader, which
 * prepares it against the tree plus the txns still in flight and proposes it; every server applies committed txns
 * in zxid order; the server holding the client's connection answers. Owned by the request processor thread.
 */
final class EnsembleFlow {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleFlow.class);

    /** What a connection is waiting for, in request order. */
    private sealed interface Slot {
    }

    private record WriteSlot(int xid, int type, byte[] body) implements Slot {
    }

    private record ReadSlot(Work.Request request) implements Slot {
    }

    private record PendingConnect(ClientConnection conn, int timeoutMs, boolean legacy) {
    }

    private final ServerContext ctx;
    private final Replication replication;
    private final Sessions sessions;
    private final WatchFiring firing;
    private final Consumer<Work.Request> local;
    private final Map<ClientConnection, ArrayDeque<Slot>> slots = new IdentityHashMap<>();
    private final Map<Integer, PendingConnect> connects = new HashMap<>();
    private final Set<Long> touched = new HashSet<>();
    /** Frames for the leader gathered this round, and the client each one leaves waiting. */
    private final List<PeerFrame> toLeaderFrames = new ArrayList<>();
    private final List<ClientConnection> toLeaderWaiting = new ArrayList<>();
    private long toLeaderBytes;
    /** A batch for the leader goes out early once it holds about this much. */
    private static final int MAX_BATCH_BYTES = 1 << 20;
    private int nextToken;
    private ReplicaStatus status = ReplicaStatus.LOOKING;

    // The leader's speculative view: the store plus every txn proposed and not yet applied here.
    private final PendingTree spec;
    private final TxnPreparer specPreparer;
    private final TreeApplier specApplier;
    private ZnodeStore.Batch specBatch;
    /** A proposal not yet committed: its envelope, and the payload it went out as (to recognise it at commit). */
    private record InFlight(long zxid, Envelope envelope, byte[] payload) {
    }

    private final ArrayDeque<InFlight> inflight = new ArrayDeque<>();
    /**
     * How many txns may commit while others stay in flight before the speculative overlay is rebuilt from just the
     * ones in flight ({@code -Dcorral.specReplayTxns}; tests set 0 to rebuild it about every round).
     */
    private final int specReplayTxns = Integer.getInteger("corral.specReplayTxns", 8192);
    private int committedSinceReplay;
    private long specZxid;
    /** Committed txns applied through ctx.view in this round, not yet written to the store; null if none. */
    private ZnodeStore.Batch applied;

    EnsembleFlow(ServerContext ctx, Replication replication, Sessions sessions, Consumer<Work.Request> local) {
        this.ctx = ctx;
        this.replication = replication;
        this.sessions = sessions;
        this.firing = new WatchFiring(ctx);
        this.local = local;
        this.spec = PendingTree.speculative(ctx.store);
        this.specPreparer = new TxnPreparer(spec, ctx.config.extendedTypesEnabled());
        this.specApplier = new TreeApplier(spec);
        this.specBatch = spec.batch();
        sessions.newSessions = this::requestSession;
    }

    ReplicaStatus status() {
        return status;
    }

    boolean serving() {
        return status.active();
    }

    // ------------------------------------------------------------------------------------ status

    void onStatus(ReplicaStatus next, long nowMs) {
        flushApplied();
        ReplicaStatus previous = status;
        status = next;
        boolean sameTerm = previous.active() && next.active() && previous.leaderId() == next.leaderId()
                && previous.epoch() == next.epoch();
        if (sameTerm) {
            return;
        }
        LOG.info("server {}: {} -> {}", replication.myId(), previous, next);
        // A new term: whatever was forwarded or proposed may be lost, so every client starts over (reconnects and
        // resends), as ZooKeeper's followers do when they lose their leader.
        List<ClientConnection> all = new ArrayList<>(ctx.owners.values());
        all.addAll(slots.keySet());
        for (PendingConnect pc : connects.values()) {
            all.add(pc.conn());
        }
        for (ClientConnection conn : new HashSet<>(all)) {
            sessions.disconnected(conn);
            ctx.outbox.close(conn);
        }
        slots.clear();
        connects.clear();
        touched.clear();
        toLeaderFrames.clear();
        toLeaderWaiting.clear();
        toLeaderBytes = 0;
        inflight.clear();
        spec.discard();
        specBatch = spec.batch();
        specZxid = ctx.lastZxid;
        if (next.isLeader()) {
            for (Session s : ctx.sessions.all()) {
                s.touch(nowMs);
            }
        }
    }

    // ------------------------------------------------------------------------------------ clients

    private void requestSession(ClientConnection conn, int timeoutMs, boolean legacy, long nowMs) {
        int token = ++nextToken;
        connects.put(token, new PendingConnect(conn, timeoutMs, legacy));
        if (!toLeader(new PeerFrame.Connect(replication.myId(), token, timeoutMs), conn)) {
            connects.remove(token);
            ctx.outbox.close(conn);
        }
    }

    static boolean isReplicated(int type) {
        return Writes.isWrite(type) || type == OpCode.MULTI || type == OpCode.CLOSE_SESSION || type == OpCode.SYNC;
    }

    /** A request from a client of this server. */
    void request(Work.Request r) {
        ClientConnection conn = r.conn();
        touched.add(conn.sessionId);
        ArrayDeque<Slot> queue = slots.get(conn);
        if (!isReplicated(r.type())) {
            if (queue == null || queue.isEmpty() || r.type() == OpCode.PING) {
                local.accept(r);
            } else {
                queue.add(new ReadSlot(r));
            }
            return;
        }
        byte[] body = java.util.Arrays.copyOfRange(r.frame(), r.bodyOffset(), r.frame().length);
        slots.computeIfAbsent(conn, c -> new ArrayDeque<>()).add(new WriteSlot(r.xid(), r.type(), body));
        if (!toLeader(new PeerFrame.Forward(replication.myId(), conn.sessionId, r.xid(), r.type(),
                new ArrayList<>(conn.authIds), body), conn)) {
            closeClient(conn);
        }
    }

    void disconnected(ClientConnection conn) {
        slots.remove(conn);
    }

    /**
     * Hands {@code frame} to the leader: at once if that is us, else with the rest of this round's frames (see
     * {@link #flushToLeader}). {@code waiting} is the client that waits for it, closed if it cannot be sent.
     */
    private boolean toLeader(PeerFrame frame, ClientConnection waiting) {
        if (!status.active()) {
            return false;
        }
        if (status.leaderId() == replication.myId()) {
            onLeaderFrame(frame);
            return true;
        }
        toLeaderFrames.add(frame);
        toLeaderWaiting.add(waiting);
        toLeaderBytes += frame instanceof PeerFrame.Forward f ? 64 + f.body().length : 16;
        if (toLeaderBytes > MAX_BATCH_BYTES) {
            flushToLeader();
        }
        return true;
    }

    /**
     * End of a round: what this round forwarded goes to the leader as one frame (one write, one wake-up and one
     * decode there, rather than one per request). If it cannot be sent, its clients are closed and retry elsewhere.
     */
    void flushToLeader() {
        if (toLeaderFrames.isEmpty()) {
            return;
        }
        PeerFrame frame = toLeaderFrames.size() == 1 ? toLeaderFrames.get(0)
                : new PeerFrame.Batch(List.copyOf(toLeaderFrames));
        boolean sent = status.active() && !status.isLeader()
                && replication.send(status.leaderId(), PeerFrame.encode(frame));
        List<ClientConnection> waiting = sent ? List.of() : new ArrayList<>(toLeaderWaiting);
        toLeaderFrames.clear();
        toLeaderWaiting.clear();
        toLeaderBytes = 0;
        for (ClientConnection conn : waiting) {
            closeClient(conn);
        }
    }

    /** Tells the leader which sessions spoke here since the last tick. */
    void tick(long nowMs) {
        if (!status.active() || touched.isEmpty()) {
            return;
        }
        if (status.isLeader()) {
            touchLocally(touched, nowMs);
        } else {
            replication.send(status.leaderId(), PeerFrame.encode(new PeerFrame.Touch(new ArrayList<>(touched))));
        }
        touched.clear();
    }

    private void touchLocally(Iterable<Long> ids, long nowMs) {
        for (long id : ids) {
            Session s = ctx.sessions.get(id);
            if (s != null) {
                s.touch(nowMs);
            }
        }
    }

    // ------------------------------------------------------------------------------------ leader

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
                touchLocally(t.sessionIds(), nowMs);
            } else {
                onLeaderFrame(f);
            }
        }
    }

    private void onLeaderFrame(PeerFrame frame) {
        if (!status.isLeader()) {
            return;
        }
        long time = System.currentTimeMillis();
        if (frame instanceof PeerFrame.Connect c) {
            long id = ctx.sessions.newSessionId();
            propose(new Envelope(c.origin(), id, c.token(), OpCode.CREATE_SESSION, time,
                    new Txn.CreateSession(id, ctx.sessions.newPassword(), c.timeoutMs())));
        } else if (frame instanceof PeerFrame.Forward f) {
            propose(new Envelope(f.origin(), f.sessionId(), f.xid(), f.type(), time, prepare(f)));
        } else if (frame instanceof PeerFrame.Touch t) {
            touchLocally(t.sessionIds(), System.nanoTime() / 1_000_000L);
        }
    }

    /** The session expired on the leader: its close is ordered like any other txn. */
    void expire(Session s) {
        s.markClosing();
        long time = System.currentTimeMillis();
        Txn close = new Txn.CloseSession(s.id());
        specApplier.applyPart(specZxid + 1, time, close, specBatch, TreeEvents.NONE);
        propose(new Envelope(replication.myId(), s.id(), 0, OpCode.CLOSE_SESSION, time, close));
    }

    /**
     * The leader's container and TTL sweep found {@code path} empty: delete it through the log, unless a txn in
     * flight already deleted it or gave it a child.
     */
    void sweep(String path) {
        NodeMeta meta = spec.meta(path);
        if (meta == null || meta.numChildren() > 0) {
            return;
        }
        long time = System.currentTimeMillis();
        Txn delete = new Txn.Delete(path);
        specApplier.applyPart(specZxid + 1, time, delete, specBatch, TreeEvents.NONE);
        propose(new Envelope(replication.myId(), 0, 0, OpCode.DELETE, time, delete));
    }

    private Txn prepare(PeerFrame.Forward f) {
        RequestContext rc = new RequestContext(f.sessionId(), f.authIds());
        BinaryInputArchive in = Jute.input(f.body(), 0, f.body().length, ctx.config.juteMaxBuffer());
        long zxid = specZxid + 1;
        long time = System.currentTimeMillis();
        try {
            switch (f.type()) {
                case OpCode.CLOSE_SESSION -> {
                    Session s = ctx.sessions.get(f.sessionId());
                    if (s != null) {
                        s.markClosing();
                    }
                    Txn close = new Txn.CloseSession(f.sessionId());
                    specApplier.applyPart(zxid, time, close, specBatch, TreeEvents.NONE);
                    return close;
                }
                case OpCode.SYNC -> {
                    Jute.read(in, new SyncRequest());
                    return new Txn.Multi(List.of());
                }
                case OpCode.MULTI -> {
                    List<Multis.Op> ops = Multis.decode(in, false);
                    Txn.Multi multi = Multis.prepare(ops, rc, specPreparer,
                            t -> specApplier.applyPart(zxid, time, t, specBatch, TreeEvents.NONE));
                    if (Multis.isFailure(multi)) {
                        rebuildSpec();
                    }
                    return multi;
                }
                default -> {
                    Record request = Writes.decode(f.type(), in);
                    Txn txn = Writes.prepare(specPreparer, f.type(), request, rc);
                    specApplier.applyPart(zxid, time, txn, specBatch, TreeEvents.NONE);
                    return txn;
                }
            }
        } catch (KeeperError e) {
            return new Txn.Error(e.code());
        } catch (IOException | RuntimeException e) {
            rebuildSpec();
            return new Txn.Error(ErrorCode.MARSHALLING_ERROR);
        }
    }

    private void propose(Envelope envelope) {
        specZxid++;
        byte[] payload = envelope.encode();
        inflight.add(new InFlight(specZxid, envelope, payload));
        replication.propose(payload);
    }

    /** Rebuilds the speculative view from the store and the txns in flight (after a half-prepared multi). */
    private void rebuildSpec() {
        flushApplied();
        replaySpec();
    }

    private void replaySpec() {
        committedSinceReplay = 0;
        spec.discard();
        specBatch = spec.batch();
        for (InFlight f : inflight) {
            Txn txn = f.envelope().txn();
            List<Txn> parts = txn instanceof Txn.Multi m ? m.ops() : List.of(txn);
            for (Txn part : parts) {
                specApplier.applyPart(f.zxid(), f.envelope().time(), part, specBatch, TreeEvents.NONE);
            }
        }
    }

    // ------------------------------------------------------------------------------------ every server

    /** A committed txn, in zxid order. */
    void onCommitted(long zxid, byte[] payload, long nowMs) {
        Envelope env;
        InFlight mine = status.isLeader() ? inflight.peek() : null;
        if (mine != null && mine.payload() == payload) {
            env = mine.envelope();           // our own proposal, handed back as the very array we proposed
        } else {
            try {
                env = Envelope.decode(payload);
            } catch (IOException e) {
                throw new dev.corral.server.tree.StoreFailure("undecodable committed txn at zxid " + zxid, e);
            }
        }
        List<NodeMeta> metas = new ArrayList<>();
        if (zxid > ctx.view.lastZxid()) {
            if (applied == null) {
                applied = ctx.view.batch();
            }
            if (env.txn() instanceof Txn.Multi m) {
                for (Txn op : m.ops()) {
                    metas.add(ctx.applier.applyPart(zxid, env.time(), op, applied, firing));
                }
                applied.setLastZxid(zxid);
            } else {
                metas.add(ctx.applier.apply(zxid, env.time(), env.txn(), applied, firing));
            }
        }
        ctx.lastZxid = Math.max(ctx.lastZxid, zxid);
        if (status.isLeader() && !inflight.isEmpty()) {
            // Its effects stay in the speculative view until flushApplied() has put them in the store.
            inflight.poll();
            committedSinceReplay++;
        }
        if (!status.isLeader()) {
            specZxid = zxid;
        }
        sessionEffects(env, nowMs);
        if (env.origin() == replication.myId()) {
            answer(env, metas);
        }
    }

    /**
     * Writes the committed txns applied since the last call to the store, as one batch (one RocksDB write per
     * processor round rather than one per txn; the ZAB log, not this write, is what makes them durable). Called at
     * the end of each round and before anything that reads the store directly or replaces it.
     */
    void flushApplied() {
        if (applied != null) {
            ctx.view.commit(applied, false);
            applied = null;
        }
        if (!status.isLeader()) {
            return;
        }
        if (inflight.isEmpty()) {
            // Nothing in flight: the store is the whole truth; start the overlay afresh (and untainted).
            committedSinceReplay = 0;
            spec.discard();
            specBatch = spec.batch();
            specZxid = Math.max(specZxid, ctx.lastZxid);
        } else if (committedSinceReplay >= Math.max(specReplayTxns, inflight.size())) {
            // Under steady load something is always in flight, so the overlay would keep every change since it
            // last drained (all of it in the store by now): replay just what is still in flight. At most once
            // per as many commits as are in flight, so it costs at most one extra apply per txn.
            replaySpec();
        }
    }

    private void sessionEffects(Envelope env, long nowMs) {
        if (env.txn() instanceof Txn.CreateSession cs) {
            ctx.sessions.add(cs.sessionId(), cs.password(), cs.timeoutMs(), nowMs);
            if (env.origin() == replication.myId()) {
                PendingConnect pc = connects.remove(env.xid());
                if (pc != null) {
                    sessions.established(pc.conn(), cs.sessionId(), cs.password(), pc.timeoutMs(), pc.legacy());
                }
            }
        } else if (env.txn() instanceof Txn.CloseSession cs) {
            ctx.sessions.remove(cs.sessionId());
            ClientConnection owner = ctx.owners.get(cs.sessionId());
            // A client's own close is answered (then closed) by answer(); an expiry (xid 0) or a close ordered
            // elsewhere just drops the connection.
            boolean ownRequest = env.origin() == replication.myId() && env.xid() != 0;
            if (owner != null && !ownRequest) {
                closeClient(owner);
            }
        }
    }

    private void answer(Envelope env, List<NodeMeta> metas) {
        if (env.type() == OpCode.CREATE_SESSION) {
            return;
        }
        ClientConnection conn = ctx.owners.get(env.sessionId());
        if (conn == null) {
            return;
        }
        ArrayDeque<Slot> queue = slots.get(conn);
        if (queue == null || queue.isEmpty() || !(queue.peek() instanceof WriteSlot w) || w.xid() != env.xid()) {
            if (env.xid() != 0) {
                LOG.warn("server {}: reply for xid {} of session 0x{} found no waiting request; closing it",
                        replication.myId(), env.xid(), Long.toHexString(env.sessionId()));
                closeClient(conn);
            }
            return;
        }
        queue.poll();
        ctx.outbox.send(conn, reply(w, env, metas));
        if (env.type() == OpCode.CLOSE_SESSION) {
            sessions.disconnected(conn);
            ctx.outbox.close(conn);
            slots.remove(conn);
            return;
        }
        while (!queue.isEmpty() && queue.peek() instanceof ReadSlot read) {
            queue.poll();
            local.accept(read.request());
        }
    }

    private byte[] reply(WriteSlot w, Envelope env, List<NodeMeta> metas) {
        Txn txn = env.txn();
        long zxid = ctx.lastZxid;
        if (txn instanceof Txn.Error e) {
            return Replies.error(w.xid(), zxid, e.code());
        }
        try {
            BinaryInputArchive in = Jute.input(w.body(), 0, w.body().length, ctx.config.juteMaxBuffer());
            return switch (w.type()) {
                case OpCode.CLOSE_SESSION -> Replies.ok(w.xid(), zxid, null);
                case OpCode.SYNC -> Replies.ok(w.xid(), zxid, new SyncResponse(Jute.read(in, new SyncRequest()).getPath()));
                case OpCode.MULTI -> Replies.ok(w.xid(), zxid,
                        Multis.response(Multis.decode(in, false), (Txn.Multi) txn, metas));
                default -> Replies.ok(w.xid(), zxid, Writes.body(w.type(), txn, metas.isEmpty() ? null : metas.get(0)));
            };
        } catch (IOException e) {
            return Replies.error(w.xid(), zxid, ErrorCode.MARSHALLING_ERROR);
        }
    }

    private void closeClient(ClientConnection conn) {
        slots.remove(conn);
        sessions.disconnected(conn);
        ctx.outbox.close(conn);
    }
}
