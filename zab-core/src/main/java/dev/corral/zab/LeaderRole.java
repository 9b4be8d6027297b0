package dev.corral.zab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leader's side of discovery, synchronization and broadcast.
 *
 * <p>Discovery: collect FOLLOWERINFO (acceptedEpoch) from a quorum, choose an epoch above all of them, persist it as our
 * own acceptedEpoch, send NEWEPOCH; wait for a quorum of fresh ACKEPOCHs from followers whose history is not ahead of
 * ours (initLimit ticks at most). Synchronization: per follower, DIFF, TRUNC+DIFF or SNAP from the common prefix, then NEWLEADER; the epoch is
 * established when a quorum (counting ourselves once our currentEpoch is durable) has ACKed NEWLEADER, and then
 * UPTODATE goes out. Broadcast: proposals in zxid order, batched per Ready; a zxid commits when a quorum has ACKed it
 * (ACKs are cumulative, so that covers everything before it too).
 *
 * <p>Observers (members that are not voters) go through the same discovery and sync, but the quorum verifier never
 * counts them. Once an observer has UPTODATE it gets no proposals: each commit reaches it as an INFORM carrying the
 * newly committed transactions, as in ZooKeeper.
 *
 * <p>Size: discovery, sync, broadcast and failure detection are one protocol over the same per-learner sessions and
 * epoch; splitting them would spread the session state machine over several classes. What stands apart lives apart:
 * the read-index rounds ({@link ReadRounds}) and the leadership hand-over ({@link Handover}).
 */
final class LeaderRole {
    enum Phase { INFO, EPOCH_SENT, EPOCH_ACKED, SYNCING, SYNCED, BROADCAST }

    /** The leader's view of one follower's current session. */
    static final class Session {
        final int id;
        /** Learns by INFORM; set from the configs when the session starts, cleared if a change makes it a voter. */
        boolean observer;
        Phase phase = Phase.INFO;
        long lastHeard;
        Message.AckEpoch ackEpoch;
        Zxid newLeaderZxid;
        Zxid acked = Zxid.ZERO;
        /** An observer in BROADCAST: the end of what it was sent (sync, proposals, INFORMs). */
        Zxid sentTo = Zxid.ZERO;

        Session(int id, boolean observer, long now) {
            this.id = id;
            this.observer = observer;
            this.lastHeard = now;
        }

        /** Gets every proposal: a voter once syncing; an observer only until UPTODATE, INFORMs after that. */
        boolean forwarding() {
            return phase == Phase.SYNCING || phase == Phase.SYNCED || (phase == Phase.BROADCAST && !observer);
        }

        boolean informed() {
            return phase == Phase.BROADCAST && observer;
        }

        boolean synced() {
            return phase == Phase.SYNCED || phase == Phase.BROADCAST;
        }
    }

    private final ZabNode node;
    private final long startTick;
    private final Map<Integer, Long> infoEpochs = new TreeMap<>();
    private final Set<Integer> freshAckers = new HashSet<>();
    private final Map<Integer, Session> sessions = new TreeMap<>();
    private long epoch = -1;
    private boolean discovered;
    private boolean established;
    private List<Txn> batch = new ArrayList<>();
    private boolean commitDirty;
    /** Our own log's durable end, last announced in SYNCED, and whether a newer one waits to go out. */
    private Zxid syncedSent = Zxid.ZERO;
    private boolean syncedDirty;
    private final Set<Integer> scratch = new HashSet<>();
    private final Handover handover;
    /** Read-index rounds; from establishment on. */
    private ReadRounds reads;

    LeaderRole(ZabNode node) {
        this.node = node;
        this.startTick = node.now;
        this.handover = new Handover(node, this);
    }

    long epoch() {
        return epoch;
    }

    /** Learners with a session here (connected, in any phase). */
    int learnerCount() {
        return sessions.size();
    }

    /** Voters (or, with {@code observers}, observers) synced with this leader (past the NEWLEADER exchange). */
    int syncedCount(boolean observers) {
        int n = 0;
        for (Session s : sessions.values()) {
            if (s.synced() && s.observer == observers) {
                n++;
            }
        }
        return n;
    }

    /** The learners synced with this leader (past the NEWLEADER exchange), voters and observers alike. */
    Set<Integer> syncedIds() {
        Set<Integer> ids = new java.util.TreeSet<>();
        for (Map.Entry<Integer, Session> e : sessions.entrySet()) {
            if (e.getValue().synced()) {
                ids.add(e.getKey());
            }
        }
        return ids;
    }

    boolean established() {
        return established;
    }

    void start() {
        infoEpochs.put(node.myId, node.acceptedEpoch);
        maybeChooseEpoch();
    }

    // ---------------------------------------------------------------- discovery

    void onMessage(int from, Message m) {
        if (m instanceof Message.FollowerInfo fi) {
            onFollowerInfo(from, fi);
            return;
        }
        Session s = sessions.get(from);
        if (s == null) {
            return;
        }
        s.lastHeard = node.now;
        if (m instanceof Message.AckEpoch a) {
            onAckEpoch(s, a);
        } else if (m instanceof Message.Ack a) {
            onAck(s, a);
        } else if (m instanceof Message.LeadershipRequest r && r.epoch() == epoch && handover.refusal(s.id) == null) {
            handover.start(s.id);
        } else if (m instanceof Message.ReadRoundAck a && reads != null && s.phase == Phase.BROADCAST) {
            reads.onAck(s.id, a);
        } else if (m instanceof Message.ReadIndexRequest r && reads != null && s.phase == Phase.BROADCAST
                && r.epoch() == epoch) {
            reads.addFollowerBatch(s.id, r.batch());
        }
        // Ping replies only refresh lastHeard; anything else is not for a leader.
    }

    private void onFollowerInfo(int from, Message.FollowerInfo fi) {
        if (epoch >= 0 && fi.acceptedEpoch() > epoch) {
            // That peer promised a newer epoch (to a leader attempt that may or may not have succeeded), so it can
            // never join ours, and ours may be stale. Step down; the next election's epoch will be above its promise.
            // (ZooKeeper keeps leading and leaves the peer out until the leader changes: sim seed 8098.)
            node.startLooking();
            return;
        }
        // A new FOLLOWERINFO starts a new session: whatever we were sending that peer before is void.
        // Any id may connect: a joining server is in no config yet. Only members that vote in neither config are
        // observers (INFORMs); everyone else gets proposals, and the quorum rule decides whose ACKs count.
        Session s = new Session(from, isObserver(from), node.now);
        sessions.put(from, s);
        if (epoch < 0) {
            infoEpochs.put(from, fi.acceptedEpoch());
            maybeChooseEpoch();
        } else {
            node.send(from, new Message.NewEpoch(epoch));
            s.phase = Phase.EPOCH_SENT;
        }
    }

    private void maybeChooseEpoch() {
        if (epoch >= 0 || !node.quorum.containsQuorum(infoEpochs.keySet())) {
            return;
        }
        long max = 0;
        for (long e : infoEpochs.values()) {
            max = Math.max(max, e);
        }
        epoch = max + 1;
        node.acceptedEpoch = epoch;
        node.persistEpochs();
        freshAckers.add(node.myId);
        for (Session s : sessions.values()) {
            if (s.phase == Phase.INFO) {
                node.send(s.id, new Message.NewEpoch(epoch));
                s.phase = Phase.EPOCH_SENT;
            }
        }
        maybeFinishDiscovery();
    }

    private void onAckEpoch(Session s, Message.AckEpoch a) {
        if (s.phase != Phase.EPOCH_SENT || a.epoch() != epoch) {
            return;
        }
        // A follower whose history is ahead of ours must not be part of the discovery quorum: the safety argument is
        // that every quorum member's history is at most ours, so we hold everything committed. ZooKeeper abdicates
        // here instead; that livelocks when the ahead peer keeps joining a leader the others re-elect (sim seed 329).
        // Not counting it is enough: its extra entries cannot be committed, and sync truncates them.
        boolean ahead = a.currentEpoch() > node.currentEpoch
                || (a.currentEpoch() == node.currentEpoch && a.lastZxid().isAfter(node.log.lastZxid()));
        s.ackEpoch = a;
        if (discovered) {
            syncFollower(s);
        } else {
            s.phase = Phase.EPOCH_ACKED;
            if (a.fresh() && !ahead) {
                freshAckers.add(s.id);
            }
            maybeFinishDiscovery();
        }
    }

    private void maybeFinishDiscovery() {
        if (discovered || !node.quorum.containsQuorum(freshAckers)) {
            return;
        }
        discovered = true;
        node.currentEpoch = epoch;
        node.persistEpochs();
        for (Session s : sessions.values()) {
            if (s.phase == Phase.EPOCH_ACKED) {
                syncFollower(s);
            }
        }
        checkEstablished();
    }

    // ---------------------------------------------------------------- synchronization

    private void syncFollower(Session s) {
        Message.AckEpoch a = s.ackEpoch;
        TxnLog log = node.log;
        Zxid last = log.lastZxid();
        Zxid common = SyncPlanner.commonPoint(log.epochStarts(), last, a.epochStarts(), a.lastZxid());
        long from;
        // A peer in no config we know (a joining server) gets a SNAP: it carries the config as of the snapshot, which
        // the joiner cannot derive from its own log and the config it started with.
        if (a.needsSnapshot() || common == null || common.counter() < log.base().counter()
                || !node.quorum.members().contains(s.id)) {
            Zxid at = node.releasedZxid();
            node.send(s.id, new Message.Snap(epoch, at, node.configs.asOf(at.counter())));
            from = at.counter();
        } else if (common.equals(a.lastZxid())) {
            node.send(s.id, new Message.Diff(epoch, common));
            from = common.counter();
        } else {
            node.send(s.id, new Message.Trunc(epoch, common));
            from = common.counter();
        }
        int max = node.config.maxBatch();
        for (long c = from; c < last.counter(); c += max) {
            node.send(s.id, new Message.Proposal(epoch, log.slice(c, Math.min(c + max, last.counter()))));
        }
        node.send(s.id, new Message.NewLeader(epoch, last));
        s.phase = Phase.SYNCING;
        s.newLeaderZxid = last;
    }

    private void onAck(Session s, Message.Ack a) {
        if (a.epoch() != epoch) {
            return;
        }
        if (s.phase == Phase.SYNCING) {
            if (a.zxid().compareTo(s.newLeaderZxid) < 0) {
                return;
            }
            s.phase = Phase.SYNCED;
            s.acked = a.zxid();
            if (established) {
                sendUpToDate(s);
            } else {
                checkEstablished();
            }
        } else if (s.synced()) {
            s.acked = Zxid.max(s.acked, a.zxid());
        } else {
            return;
        }
        recomputeCommit();
        handover.check();
    }

    void onDurable() {
        checkEstablished();
        recomputeCommit();
        handover.check();
        // Only for a lone write: what the COMMIT point does not cover yet (our fsync ended before the follower's ACK
        // arrived), with nothing newer in flight. Under load the ACKs come soon enough, and a SYNCED per fsync would
        // cut the followers' apply into more, smaller batches.
        if (established && selfSynced() && node.durableLast.epoch() == epoch && node.durableLast.isAfter(syncedSent)
                && node.durableLast.isAfter(node.committed) && node.durableLast.equals(node.log.lastZxid())) {
            syncedDirty = true;
        }
    }

    /** The hand-over in progress or possible (rqld/ydld); see {@link Handover}. */
    Handover handover() {
        return handover;
    }

    /** This leader's session with {@code id}, or null. */
    Session session(int id) {
        return sessions.get(id);
    }

    /** Every learner's session, by id. */
    Iterable<Session> sessions() {
        return sessions.values();
    }

    private boolean selfSynced() {
        return discovered && node.durableCurrentEpoch == epoch;
    }

    private void checkEstablished() {
        if (established || !discovered) {
            return;
        }
        scratch.clear();
        if (selfSynced()) {
            scratch.add(node.myId);
        }
        for (Session s : sessions.values()) {
            if (s.synced()) {
                scratch.add(s.id);
            }
        }
        if (!node.quorum.containsQuorum(scratch)) {
            return;
        }
        established = true;
        for (Session s : sessions.values()) {
            if (s.phase == Phase.SYNCED) {
                sendUpToDate(s);
            }
        }
        recomputeCommit();
        // Only now: a round must not record a commit point from before the establishment's commit, which covers
        // everything earlier epochs committed (sim seed 1 with reads: a round started inside sendUpToDate above).
        reads = new ReadRounds(node, epoch, node.log.lastZxid());
    }

    private void sendUpToDate(Session s) {
        node.send(s.id, new Message.UpToDate(epoch, node.committed));
        s.phase = Phase.BROADCAST;
        // send() flushed the proposal batch to it first: it holds the whole log now.
        s.sentTo = node.log.lastZxid();
    }

    private void recomputeCommit() {
        if (!established) {
            return;
        }
        // The highest acked zxid that a quorum has acked (cumulatively). Peers are few: try each value.
        Zxid candidate = null;
        List<Zxid> values = new ArrayList<>(sessions.size() + 1);
        if (selfSynced()) {
            values.add(node.durableLast);
        }
        for (Session s : sessions.values()) {
            if (s.synced()) {
                values.add(s.acked);
            }
        }
        for (Zxid v : values) {
            if (candidate != null && !v.isAfter(candidate)) {
                continue;
            }
            scratch.clear();
            if (selfSynced() && node.durableLast.compareTo(v) >= 0) {
                scratch.add(node.myId);
            }
            for (Session s : sessions.values()) {
                if (s.synced() && s.acked.compareTo(v) >= 0) {
                    scratch.add(s.id);
                }
            }
            if (node.quorum.containsQuorum(scratch)) {
                candidate = v;
            }
        }
        if (candidate != null && candidate.counter() > node.committed.counter()) {
            node.commitTo(candidate);
            commitDirty = true;
        }
    }

    // ---------------------------------------------------------------- broadcast

    Zxid propose(byte[] payload) {
        if (handover.active()) {
            throw new NotLeaderException(-1);
        }
        Zxid z = new Zxid(epoch, node.log.lastCounter() + 1);
        Txn t = new Txn(z, payload);
        node.appendEntry(t);
        batch.add(t);
        return z;
    }

    private boolean isObserver(int id) {
        return !node.quorum.isVoter(id) && node.quorum.members().contains(id);
    }

    /**
     * Proposes a config change (the caller checked there is none pending): refused unless a quorum of {@code next}'s
     * voters is synced with us (we count ourselves), as ZooKeeper's leader refuses a reconfig without one.
     */
    Zxid proposeReconfig(byte[] payload, QuorumVerifier next) {
        Set<Integer> synced = syncedIds();
        synced.add(node.myId);
        if (!next.containsQuorum(synced)) {
            throw new ReconfigRefusedException(ReconfigRefusedException.Reason.NO_QUORUM_SYNCED,
                    "the voters of " + next + " synced with this leader (" + synced + ") are not a quorum of it");
        }
        Zxid z = propose(payload);
        flush();
        // An observer that votes in the new config must ACK from now on: it gets the proposals from what it was
        // informed of, then every proposal and COMMIT like a voter.
        for (Session s : sessions.values()) {
            if (s.observer && !isObserver(s.id)) {
                if (s.informed() && node.log.lastCounter() > s.sentTo.counter()) {
                    node.sendBroadcast(s.id, new Message.Proposal(epoch,
                            node.log.slice(s.sentTo.counter(), node.log.lastCounter())));
                }
                s.observer = false;
            }
        }
        return z;
    }

    boolean hasPending() {
        return !batch.isEmpty() || commitDirty || syncedDirty || (reads != null && reads.hasQueued());
    }

    /** The established leader's read-index rounds, or null before establishment. */
    ReadRounds reads() {
        return reads;
    }

    private List<Integer> broadcasting() {
        List<Integer> ids = new ArrayList<>(sessions.size());
        for (Session s : sessions.values()) {
            if (s.phase == Phase.BROADCAST) {
                ids.add(s.id);
            }
        }
        return ids;
    }

    /** Sends the pending proposal batch and the latest commit point; called before any other message goes out. */
    void flush() {
        if (!batch.isEmpty()) {
            Message.Proposal p = new Message.Proposal(epoch, batch);
            for (Session s : sessions.values()) {
                if (s.forwarding()) {
                    node.sendBroadcast(s.id, p);
                }
            }
            batch = new ArrayList<>();
        }
        flushCommit();
        startReadRounds();
    }

    /** Starts the read rounds that may start now (after the commit point went out: see {@link #flush}). */
    void startReadRounds() {
        if (reads != null) {
            // After the commit point: a read index names only what a COMMIT sent before it covers.
            reads.maybeStart(broadcasting());
        }
    }

    /**
     * Sends the latest commit point alone. Safe ahead of the pending proposal batch: a commit point only covers
     * entries a quorum ACKed, so every follower was sent them already.
     */
    void flushCommit() {
        flushSynced();
        if (commitDirty) {
            commitDirty = false;
            Message.Commit c = new Message.Commit(epoch, node.committed);
            for (Session s : sessions.values()) {
                if (s.informed()) {
                    inform(s);
                } else if (s.phase == Phase.BROADCAST) {
                    node.sendBroadcast(s.id, c);
                }
            }
        }
    }

    /**
     * Our durable log end to each broadcasting voter that makes a quorum with us (see {@link Message.Synced}). It
     * vouches only for what is durable here already, and every entry it covers went out to that follower before (a
     * proposal leaves before its own fsync), so it may go ahead of anything queued.
     */
    private void flushSynced() {
        if (!syncedDirty) {
            return;
        }
        syncedDirty = false;
        syncedSent = node.durableLast;
        Message.Synced m = new Message.Synced(epoch, syncedSent);
        for (Session s : sessions.values()) {
            if (s.phase == Phase.BROADCAST && !s.observer && formsQuorumWith(s.id)) {
                node.sendBroadcast(s.id, m);
            }
        }
    }

    /** The highest zxid some peer may have committed: our commit point, or what a follower may commit on SYNCED. */
    Zxid committedAnywhere() {
        return Zxid.max(node.committed, syncedSent);
    }

    private boolean formsQuorumWith(int follower) {
        scratch.clear();
        scratch.add(node.myId);
        scratch.add(follower);
        return node.quorum.containsQuorum(scratch);
    }

    /** The commit point to an observer, with the committed transactions it was not sent yet. */
    private void inform(Session s) {
        Zxid c = node.committed;
        List<Txn> txns = c.counter() > s.sentTo.counter() ? node.log.slice(s.sentTo.counter(), c.counter()) : List.of();
        node.sendBroadcast(s.id, new Message.Inform(epoch, txns, c));
        s.sentTo = Zxid.max(s.sentTo, c);
    }

    // ---------------------------------------------------------------- failure detection

    void onTick() {
        if (!established && node.now - startTick > node.config.initLimit()) {
            node.startLooking();
            return;
        }
        if (handover.timedOut()) {
            return;
        }
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            Session s = it.next();
            long limit = s.synced() ? node.config.syncLimit() : node.config.initLimit();
            if (node.now - s.lastHeard > limit) {
                // Stop talking to it; it will time out, look again and start a new session.
                it.remove();
                infoEpochs.remove(s.id);
            }
        }
        if (established) {
            scratch.clear();
            scratch.add(node.myId);
            for (Session s : sessions.values()) {
                if (s.synced()) {
                    scratch.add(s.id);
                }
            }
            if (!node.quorum.containsQuorum(scratch)) {
                node.startLooking();
                return;
            }
        }
        // Heartbeats take the broadcast's path (after the pending proposals, which their lastZxid covers): they need
        // nothing durable here, and queued as ordinary messages they would hold back every COMMIT behind them until
        // this peer's fsync ends (ZabNode#takeCommitBroadcast).
        flush();
        if (reads != null) {
            reads.resend(broadcasting());
        }
        Message.Ping plain = new Message.Ping(epoch);
        for (Session s : sessions.values()) {
            Zxid sent = s.informed() ? s.sentTo : node.log.lastZxid();
            node.sendBroadcast(s.id, s.synced()
                    ? new Message.Ping(epoch, sent, s.phase == Phase.BROADCAST ? node.committed : Zxid.ZERO)
                    : plain);
        }
    }
}
