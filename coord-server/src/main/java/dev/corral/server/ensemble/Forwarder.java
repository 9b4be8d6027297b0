package dev.corral.server.ensemble;

import dev.corral.server.pipeline.ClientConnection;
import dev.corral.server.pipeline.Operation;
import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.pipeline.Sessions;
import dev.corral.server.pipeline.Work;
import dev.corral.server.replication.PeerStatus;
import dev.corral.server.session.Session;
import dev.corral.server.wire.OpCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A member's side of its clients' writes: every replicated request goes to the leader (batched per processor round),
 * and replies leave each connection in request order — a read that arrives behind a write still in flight waits for
 * that write's reply. Also gathers which sessions spoke here, for the leader's expiry clock. Processor thread only.
 * Size: the per-connection slot queues and everything that walks them (forwarding, holding across a leader change,
 * resending) are one piece of state; split, each part would reach into the others' queues.
 */
final class Forwarder {
    /** What a connection is waiting for, in request order. */
    private sealed interface Slot {
    }

    /**
     * A forwarded request awaiting its commit; {@code body} is kept to build the reply, {@code receivedNanos} to
     * time it (mntr's updatelatency).
     */
    record WriteSlot(int xid, int type, byte[] body, long receivedNanos) implements Slot {
    }

    private record ReadSlot(Work.Request request) implements Slot {
    }

    /**
     * A linearizable read: answered once a read index has come back ({@code index} >= 0) and this member has applied
     * up to it. The session's later requests wait behind it; a write behind it is not even forwarded before it is
     * answered, so the read cannot see a write its session sent after it.
     */
    private static final class IndexSlot implements Slot {
        final Work.Request request;
        long index = -1;

        IndexSlot(Work.Request request) {
            this.request = request;
        }
    }

    /** A connection waiting for the leader to create its session. */
    record PendingConnect(ClientConnection conn, int timeoutMs, boolean legacy) {
    }

    /** A batch for the leader goes out early once it holds about this much. */
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final ServerContext ctx;
    private final Sessions sessions;
    private final Replication replication;
    /** Where frames for the leader go when this server is the leader (the proposer, without a network hop). */
    private final java.util.function.Consumer<PeerFrame> localLeader;
    private final Map<ClientConnection, ArrayDeque<Slot>> slots = new IdentityHashMap<>();
    private final Map<Integer, PendingConnect> connects = new HashMap<>();
    private final Set<Long> touched = new HashSet<>();
    private final List<PeerFrame> toLeaderFrames = new ArrayList<>();
    private final List<ClientConnection> toLeaderWaiting = new ArrayList<>();
    private final List<Work.Request> released = new ArrayList<>();
    private long toLeaderBytes;
    private int nextToken;
    /** Linearizable reads of this round, to ask one read index for at its end. */
    private List<IndexSlot> unasked = new ArrayList<>();
    /** Reads whose index came back, waiting for this member to apply up to it; lowest index first. */
    private final java.util.PriorityQueue<IndexSlot> awaitingApply =
            new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(s -> s.index));
    /** Writes held behind a linearizable read of their session, with the frame that forwards them. */
    private final Map<WriteSlot, PeerFrame> heldWrites = new IdentityHashMap<>();
    /** Bumped by {@link #reset}: a read index asked before it finds nobody waiting. */
    private long term;
    private PeerStatus status = PeerStatus.STARTING;
    /** Between two leaders with the clients kept ({@link LeaderChangeBridge}): writes wait, nothing is forwarded. */
    private boolean holding;

    Forwarder(ServerContext ctx, Sessions sessions, Replication replication,
              java.util.function.Consumer<PeerFrame> localLeader) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.replication = replication;
        this.localLeader = localLeader;
    }

    /** A new term: whatever was forwarded may be lost, so every client starts over (reconnects and resends). */
    void reset() {
        List<ClientConnection> all = new ArrayList<>(ctx.bindings().all());
        all.addAll(slots.keySet());
        for (PendingConnect pc : connects.values()) {
            all.add(pc.conn());
        }
        for (ClientConnection conn : new HashSet<>(all)) {
            sessions.disconnected(conn);
            ctx.outbox().close(conn);
        }
        slots.clear();
        touched.clear();
        heldWrites.clear();
        holding = false;
        dropTowardsLeader();
    }

    /** Forgets what was on its way to the leader: frames, session requests and read indexes asked of it. */
    private void dropTowardsLeader() {
        connects.clear();
        toLeaderFrames.clear();
        toLeaderWaiting.clear();
        toLeaderBytes = 0;
        unasked = new ArrayList<>();
        awaitingApply.clear();
        term++;
    }

    /**
     * The leader is going away but the clients stay ({@link LeaderChangeBridge}): what was about to be forwarded is
     * dropped (it is sent again by {@link #resend}), sessions still being created start over, and so do connections
     * waiting on a linearizable read (its read index belonged to the old leader).
     */
    void hold() {
        holding = true;
        Set<ClientConnection> drop = new HashSet<>();
        for (PendingConnect pc : connects.values()) {
            drop.add(pc.conn());
        }
        for (Map.Entry<ClientConnection, ArrayDeque<Slot>> e : slots.entrySet()) {
            if (holdsIndexSlot(e.getValue())) {
                drop.add(e.getKey());
            }
        }
        dropTowardsLeader();
        for (ClientConnection conn : drop) {
            closeClient(conn);
        }
    }

    /**
     * The new leader is known and this member has applied what it had committed: every write still unanswered goes
     * to it again, each session's in its order (up to a linearizable read, behind which writes wait as usual).
     * Returns how many were sent again.
     */
    int resend(PeerStatus status) {
        holding = false;
        this.status = status;
        int resent = 0;
        for (Map.Entry<ClientConnection, ArrayDeque<Slot>> e : new ArrayList<>(slots.entrySet())) {
            ClientConnection conn = e.getKey();
            for (Slot slot : e.getValue()) {
                if (slot instanceof IndexSlot) {
                    break;
                }
                if (slot instanceof WriteSlot w && !heldWrites.containsKey(w)) {
                    PeerFrame.Forward frame = new PeerFrame.Forward(replication.myId(), conn.sessionId(), w.xid(),
                            w.type(), new ArrayList<>(conn.authIds()), w.body());
                    if (!toLeader(frame, conn, status)) {
                        closeClient(conn);
                        break;
                    }
                    resent++;
                }
            }
        }
        flush(status);
        return resent;
    }

    /** See {@link dev.corral.server.pipeline.WritePath#take}. */
    boolean take(Work.Request r, Operation op, PeerStatus status) {
        this.status = status;
        ClientConnection conn = r.conn();
        touched.add(conn.sessionId());
        ArrayDeque<Slot> queue = slots.get(conn);
        // A reconfig is answered by the leader, as in ZooKeeper: it goes the way of the writes.
        if (op == null || !op.replicated() && op.kind() != Operation.Kind.ADMIN) {
            if (op != null && op.kind() == Operation.Kind.READ
                    && (ctx.config().reads().linearizableReads() || conn.linearizableReads())) {
                IndexSlot s = new IndexSlot(r);
                slots.computeIfAbsent(conn, c -> new ArrayDeque<>()).add(s);
                unasked.add(s);
                return true;
            }
            if (queue == null || queue.isEmpty() || r.type() == OpCode.PING) {
                return false;
            }
            queue.add(new ReadSlot(r));
            return true;
        }
        byte[] body = Arrays.copyOfRange(r.frame(), r.bodyOffset(), r.frame().length);
        WriteSlot w = new WriteSlot(r.xid(), r.type(), body, r.receivedNanos());
        boolean behindRead = queue != null && !queue.isEmpty() && holdsIndexSlot(queue);
        slots.computeIfAbsent(conn, c -> new ArrayDeque<>()).add(w);
        PeerFrame.Forward frame = new PeerFrame.Forward(replication.myId(), conn.sessionId(), r.xid(), r.type(),
                new ArrayList<>(conn.authIds()), body);
        if (behindRead) {
            heldWrites.put(w, frame);
        } else if (holding) {
            return true; // sent by resend() once the new leader is known
        } else if (!toLeader(frame, conn, status)) {
            closeClient(conn);
        }
        return true;
    }

    void requestSession(ClientConnection conn, int timeoutMs, boolean legacy, PeerStatus status) {
        int token = ++nextToken;
        connects.put(token, new PendingConnect(conn, timeoutMs, legacy));
        if (!toLeader(new PeerFrame.Connect(replication.myId(), token, timeoutMs), conn, status)) {
            connects.remove(token);
            ctx.outbox().close(conn);
        }
    }

    /** The connection that asked for the session {@code token} names, now created; null if it is gone. */
    PendingConnect connected(int token) {
        return connects.remove(token);
    }

    /** Whether a linearizable read waits in {@code queue} (a write of that session must wait behind it). */
    private static boolean holdsIndexSlot(ArrayDeque<Slot> queue) {
        for (Slot s : queue) {
            if (s instanceof IndexSlot) {
                return true;
            }
        }
        return false;
    }

    void disconnected(ClientConnection conn) {
        forget(slots.remove(conn));
    }

    private void forget(ArrayDeque<Slot> queue) {
        if (queue != null) {
            queue.forEach(heldWrites::remove);
        }
    }

    /**
     * Hands {@code frame} to the leader: at once if that is us, else with the rest of this round's frames (see
     * {@link #flush}). {@code waiting} is the client that waits for it, closed if it cannot be sent.
     */
    private boolean toLeader(PeerFrame frame, ClientConnection waiting, PeerStatus status) {
        if (!status.active()) {
            return false;
        }
        if (status.leaderId() == replication.myId()) {
            localLeader.accept(frame);
            return true;
        }
        toLeaderFrames.add(frame);
        toLeaderWaiting.add(waiting);
        toLeaderBytes += frame instanceof PeerFrame.Forward f ? 64 + f.body().length : 16;
        if (toLeaderBytes > MAX_BATCH_BYTES) {
            flush(status);
        }
        return true;
    }

    /**
     * End of a round: what this round forwarded goes to the leader as one frame (one write, one wake-up and one
     * decode there, rather than one per request). If it cannot be sent, its clients are closed and retry elsewhere.
     */
    void flush(PeerStatus status) {
        this.status = status;
        if (holding) {
            return;
        }
        askReadIndex();
        if (toLeaderFrames.isEmpty()) {
            return;
        }
        PeerFrame frame = toLeaderFrames.size() == 1 ? toLeaderFrames.get(0)
                : new PeerFrame.Batch(List.copyOf(toLeaderFrames));
        boolean sent = status.active() && !status.canPropose()
                && replication.send(status.leaderId(), PeerFrame.encode(frame));
        List<ClientConnection> waiting = sent ? List.of() : new ArrayList<>(toLeaderWaiting);
        toLeaderFrames.clear();
        toLeaderWaiting.clear();
        toLeaderBytes = 0;
        for (ClientConnection conn : waiting) {
            closeClient(conn);
        }
    }

    /** One read index for every linearizable read of the round (the core batches further, per leader round). */
    private void askReadIndex() {
        if (unasked.isEmpty()) {
            return;
        }
        List<IndexSlot> batch = unasked;
        unasked = new ArrayList<>();
        long asked = term;
        replication.readIndex(index -> {
            if (asked != term) {
                return;
            }
            for (IndexSlot s : batch) {
                s.index = index;
                awaitingApply.add(s);
            }
            applied();
        });
    }

    /** This member applied more (or a read index came back): answer the linearizable reads it now covers. */
    void applied() {
        long last = ctx.zxids().last();
        while (!awaitingApply.isEmpty() && awaitingApply.peek().index <= last) {
            releaseReads(awaitingApply.poll().request.conn());
        }
    }

    /** Tells the leader which sessions spoke here since the last tick. */
    void tick(long nowMs, PeerStatus status) {
        if (!status.active() || touched.isEmpty()) {
            return;
        }
        if (status.canPropose()) {
            touch(ctx, touched, nowMs);
        } else {
            replication.send(status.leaderId(), PeerFrame.encode(new PeerFrame.Touch(new ArrayList<>(touched))));
        }
        touched.clear();
    }

    static void touch(ServerContext ctx, Iterable<Long> ids, long nowMs) {
        for (long id : ids) {
            Session s = ctx.sessions().get(id);
            if (s != null) {
                s.touch(nowMs);
            }
        }
    }

    /**
     * The write {@code xid} of {@code conn}'s session committed: returns what it waited as (its slot), and releases
     * the reads queued behind it. Null if the connection was not waiting for it (then it is closed, unless xid is 0:
     * an expiry or a sweep nobody waits for).
     */
    WriteSlot committed(ClientConnection conn, int xid) {
        ArrayDeque<Slot> queue = slots.get(conn);
        if (queue == null || queue.isEmpty() || !(queue.peek() instanceof WriteSlot w) || w.xid() != xid) {
            return null;
        }
        queue.poll();
        return w;
    }

    /**
     * After a reply went out (or a linearizable read became answerable): the reads that waited at the head of the
     * connection's queue may be answered now, and a write held behind them goes to the leader.
     */
    void releaseReads(ClientConnection conn) {
        ArrayDeque<Slot> queue = slots.get(conn);
        while (queue != null && !queue.isEmpty()) {
            Slot head = queue.peek();
            if (head instanceof ReadSlot read) {
                released.add(read.request());
            } else if (head instanceof IndexSlot s && s.index >= 0 && s.index <= ctx.zxids().last()) {
                released.add(s.request);
            } else {
                break;
            }
            queue.poll();
        }
        if (queue == null) {
            return;
        }
        // Writes held behind linearizable reads now at the head go, up to the next such read.
        for (Slot s : queue) {
            if (s instanceof IndexSlot) {
                break;
            }
            PeerFrame held = s instanceof WriteSlot w ? heldWrites.remove(w) : null;
            if (held != null && !toLeader(held, conn, status)) {
                closeClient(conn);
                return;
            }
        }
    }

    /** Reads released since the last call, in order. */
    List<Work.Request> released() {
        if (released.isEmpty()) {
            return List.of();
        }
        List<Work.Request> out = new ArrayList<>(released);
        released.clear();
        return out;
    }

    void closeClient(ClientConnection conn) {
        forget(slots.remove(conn));
        sessions.disconnected(conn);
        ctx.outbox().close(conn);
    }
}
