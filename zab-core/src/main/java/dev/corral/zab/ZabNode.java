package dev.corral.zab;

import java.util.ArrayList;
import java.util.List;

/**
 * One ZAB peer as a plain, single-threaded, deterministic state machine (modelled on etcd-io/raft's RawNode).
 *
 * <p>The host feeds it {@link #step messages}, {@link #tick ticks} and {@link #propose proposals}, then drains a
 * {@link Ready} and must persist it, send its messages, apply its committed transactions, and call
 * {@link #advance}. Because every outgoing message sits in a Ready behind that Ready's persistence, "ACK before the
 * log is durable" cannot be written here; because committed transactions are only ever read from the log up to the
 * commit point, uncommitted transactions cannot be applied.
 *
 * <p>Size: it is the one public face of the core (inputs, the Ready/advance cycle, queries, membership changes, and
 * what the roles call back), each part short; the protocol itself lives in the roles, the election, {@link Configs},
 * {@link ReadRounds}, {@link PendingReads} and {@link Handover}.
 */
public final class ZabNode {
    final ZabConfig config;
    final int myId;
    /**
     * What every quorum decision asks: the committed config, joined with the pending one while a change is proposed
     * and not committed ({@link JointQuorum}). Replaced whenever {@link #configs} changes.
     */
    QuorumVerifier quorum;
    final Configs configs;
    /** A config that no longer lists this peer was committed here; a leader hands over first, then it is removed. */
    private boolean leaving;
    /** Removed from the ensemble: sends nothing, ignores everything, stays LOOKING (see {@link #isMember}). */
    private boolean removed;

    // What the host keeps durably (as of the Readies handed out so far).
    long acceptedEpoch;
    long currentEpoch;
    final TxnLog log;

    // Volatile protocol state.
    Zxid committed;
    private Zxid released;
    long now;
    Role role = Role.LOOKING;
    /**
     * Set when a leader asked this peer to truncate below what it had applied; asks the next leader for a SNAP (in
     * AckEpoch) until one is installed. In memory only: after a restart the same TRUNC sets it again.
     */
    boolean needsSnapshot;
    /** Why the last follower session ended early; for traces only. */
    String lastProtocolError;
    final Election election;
    LeaderRole leader;
    FollowerRole follower;

    private final PendingReads reads = new PendingReads();
    /** The last read batch number a follower session of this peer used (see {@link FollowerReads}). */
    private long readBatches;

    // The Ready being assembled.
    private boolean hardStateDirty;
    private Zxid truncateTo;
    private Zxid installSnapshot;
    private List<Txn> entries = new ArrayList<>();
    private List<Outbound> messages = new ArrayList<>();
    private List<Outbound> sendFirst = new ArrayList<>();
    /** A follower's read-index messages: they vouch for nothing durable and need no order (see {@link #takeUnordered}). */
    private List<Outbound> unordered = new ArrayList<>();

    // Bookkeeping of the Ready the host is processing, and what is durable once it calls advance.
    private boolean readyOutstanding;
    /** The outstanding Ready installs or ships a snapshot: nothing may be applied early until it is done. */
    private boolean readyHoldsApply;
    private Zxid readyLast;
    /** Log entries up to this counter have been handed to the host in Readies (for {@link #takeCommitted}). */
    private long handedOut;
    private long readyCurrentEpoch;
    Zxid durableLast;
    long durableCurrentEpoch;

    /** A peer starting from what the host recovered. It starts LOOKING. */
    public ZabNode(ZabConfig config, DurableState state) {
        this.config = config;
        this.myId = config.myId();
        this.acceptedEpoch = state.acceptedEpoch();
        this.currentEpoch = state.currentEpoch();
        this.log = new TxnLog(state.snapshotZxid(), state.log());
        Zxid applied = log.zxidAt(state.appliedZxid().counter());
        if (applied == null || !applied.equals(state.appliedZxid())) {
            throw new IllegalArgumentException("applied zxid " + state.appliedZxid() + " is not in the log");
        }
        // The host's config is the one as of what it applied; config entries after that are re-derived from the log.
        this.configs = new Configs(config.configDecoder(), config.quorum(), applied.counter(), state.log());
        this.quorum = configs.joint();
        this.committed = applied;
        this.released = applied;
        this.durableLast = log.lastZxid();
        this.durableCurrentEpoch = currentEpoch;
        this.handedOut = log.lastCounter();
        this.election = new Election(this);
        startLooking();
    }

    // ---------------------------------------------------------------- inputs

    /** A message from peer {@code from}. Messages from non-members or from a session that has ended are ignored. */
    public void step(int from, Message m) {
        // Any other peer may talk to us, not only members: a server joining the ensemble is in no config we know yet,
        // and it must hear election decisions and be able to connect to a leader as a learner (roles check senders).
        if (removed || from == myId) {
            return;
        }
        if (m instanceof Message.Notification n) {
            election.onNotification(from, n);
            afterInput();
            return;
        }
        if (m instanceof Message.FollowerInfo && role == Role.FOLLOWING) {
            // That peer chose us as its leader, but we follow someone else (the election moved on after it
            // decided): tell it, so that it looks again now rather than after initLimit ticks of waiting.
            election.tellDecision(from);
            return;
        }
        switch (role) {
            case LEADING -> leader.onMessage(from, m);
            case FOLLOWING -> follower.onMessage(from, m);
            case LOOKING -> { } // protocol messages from an old session; the sender will time out or re-elect
        }
        afterInput();
    }

    /** One unit of logical time: heartbeats, re-sent votes and the initLimit/syncLimit failure detectors. */
    public void tick() {
        if (removed) {
            return;
        }
        now++;
        switch (role) {
            case LEADING -> leader.onTick();
            case FOLLOWING -> follower.onTick();
            case LOOKING -> election.onTick();
        }
        afterInput();
    }

    /**
     * A committed config that drops this peer takes effect once the input that committed it is handled: a follower
     * is removed at once; a leader first hands leadership to the synced voter of the new config with the longest
     * history (the config entry is committed already, by a quorum of the old and of the new config) and is removed
     * when it steps down.
     */
    private void afterInput() {
        if (!leaving && role == Role.LEADING && leader.established() && !quorum.isVoter(myId)
                && !leader.handover().active()) {
            // A leader that is no voter of the configs in force (demoted, or elected on a view that a committed
            // change has since overtaken) hands over like a removed one, but stays a member.
            handOver();
            return;
        }
        if (!leaving || removed) {
            return;
        }
        if (role != Role.LEADING) {
            startLooking();
        } else if (!leader.handover().active()) {
            handOver();
        }
    }

    /** The leader yields to the synced voter with the longest history, or steps down if there is none. */
    private void handOver() {
        int target = leader.handover().bestTarget();
        if (target >= 0 && leader.handover().refusal(target) == null) {
            leader.handover().start(target);
        } else {
            startLooking();
        }
    }

    /**
     * The host's connection from {@code peer} broke. A follower whose leader that was stops following at once and
     * looks for a leader, as a ZooKeeper follower does when its leader's socket closes, instead of waiting out
     * syncLimit ticks of silence. It can only make this peer look sooner, which is safe in any state.
     */
    public void peerUnreachable(int peer) {
        if (removed) {
            return;
        }
        if (role == Role.FOLLOWING && follower != null && follower.leaderId() == peer) {
            lastProtocolError = "connection from leader " + peer + " lost";
            startLooking();
        }
    }

    /**
     * The host's connection to {@code peer} (re)opened; what was sent to it while there was none was lost. A looking
     * peer sends it its vote, and a peer that has decided tells it the decision, now rather than on the next tick:
     * a server that restarts into an established ensemble hears where the leader is as soon as the links are up
     * (ZooKeeper's connection manager re-sends the last notification on a new connection for the same reason).
     */
    public void peerReachable(int peer) {
        if (removed || !isOtherMember(peer)) {
            return;
        }
        if (role == Role.LOOKING) {
            election.sendVote(peer);
        } else {
            election.tellDecision(peer);
        }
    }

    private boolean isOtherMember(int peer) {
        return peer != myId && quorum.members().contains(peer);
    }

    /**
     * Proposes a transaction; only an established leader may. Successive proposals before the next {@link #ready} are
     * sent as one batch.
     *
     * @return the zxid assigned to it
     * @throws NotLeaderException if this peer is not an established leader (see {@link #canPropose})
     */
    public Zxid propose(byte[] payload) {
        if (!canPropose()) {
            throw new NotLeaderException(leaderId());
        }
        if (configs.decode(payload) != null) {
            throw new IllegalArgumentException("a config change must be proposed with proposeReconfig");
        }
        return leader.propose(payload);
    }

    /**
     * Proposes a txn whose payload the {@link ConfigDecoder} decodes to a new config. Refused with IN_PROGRESS while
     * another config change is proposed and not yet committed, NO_QUORUM_SYNCED unless a quorum of the NEW config's
     * voters is synced with this leader (the leader counts itself), NOT_LEADER if {@link #canPropose} is false.
     *
     * @return the zxid assigned to it
     * @throws ReconfigRefusedException if the change cannot be proposed now
     */
    public Zxid proposeReconfig(byte[] payload) {
        QuorumVerifier next = configs.decode(payload);
        if (next == null) {
            throw new IllegalArgumentException("the payload holds no config change");
        }
        if (!canPropose()) {
            throw new ReconfigRefusedException(ReconfigRefusedException.Reason.NOT_LEADER,
                    "server " + myId + " is not an established leader (leader: " + leaderId() + ")");
        }
        if (configs.pending() != null) {
            throw new ReconfigRefusedException(ReconfigRefusedException.Reason.IN_PROGRESS,
                    "a config change is in progress: " + configs.pending());
        }
        return leader.proposeReconfig(payload, next);
    }

    /** The configuration committed here (what {@link ZabConfig#quorum} was at start-up, until a change commits). */
    public QuorumVerifier activeConfig() {
        return configs.active();
    }

    /** A config change in this peer's log beyond its commit point, or null. */
    public QuorumVerifier pendingConfig() {
        return configs.pending();
    }

    /**
     * False once a committed config no longer lists this peer: it then sends nothing, votes for nobody, ignores every
     * message, and stays LOOKING (the host stops serving clients and may shut down).
     */
    public boolean isMember() {
        return !removed;
    }

    /**
     * Registers a linearizable read as {@code id} (unique per host). It is confirmed, through
     * {@link #takeConfirmedReads}, with the commit point of a leader that still led, with a quorum, after this call;
     * until a leader is established it waits (across elections). A deposed leader never confirms one.
     */
    public void requestRead(long id) {
        reads.request(id);
    }

    /** Reads confirmed since the last call, each with its read index. */
    public List<ReadIndex> takeConfirmedReads() {
        return reads.takeConfirmed();
    }

    /** Whether {@link #takeConfirmedReads} has something. */
    public boolean hasConfirmedReads() {
        return reads.hasConfirmed();
    }

    /** Where reads go now: the established leader, a broadcasting follower, or nowhere (null). */
    private Object readTarget() {
        if (role == Role.LEADING && leader.reads() != null) {
            return leader;
        }
        if (role == Role.FOLLOWING && follower.isBroadcasting()) {
            return follower;
        }
        return null;
    }

    private void issueReads() {
        Object target = readTarget();
        if (!reads.toIssue(target)) {
            return;
        }
        List<Long> ids = reads.issue(target);
        if (target == leader) {
            leader.reads().addLocal(ids);
        } else {
            follower.requestReads(ids);
        }
    }

    void confirmRead(long id, Zxid index) {
        reads.confirm(id, index);
    }

    /**
     * The host took a snapshot covering everything up to {@code upTo} (at most the last applied zxid), so the core may
     * forget that prefix of the log. Followers that need it later get a SNAP.
     */
    public void compact(Zxid upTo) {
        if (upTo.counter() > released.counter()) {
            throw new IllegalArgumentException("compact to " + upTo + " beyond applied " + released);
        }
        log.compactTo(upTo);
        configs.compacted(upTo.counter());
    }

    /**
     * Asks for leadership to move to {@code target}: on the leader, it stops proposing and, once {@code target} holds
     * everything committed, tells every follower to elect {@code target} and steps down; on a synced follower with
     * {@code target} itself, it asks the leader to do that. The hand-over ends in an election either way (an ordinary
     * one if {@code target} does not catch up within syncLimit ticks).
     *
     * @return null if the request was made, else why not (for the operator)
     */
    public String transferLeadership(int target) {
        if (removed) {
            return "server " + myId + " was removed from the ensemble";
        }
        if (role == Role.LEADING) {
            String refusal = leader.handover().refusal(target);
            if (refusal == null) {
                leader.handover().start(target);
            }
            return refusal;
        }
        if (role == Role.FOLLOWING && target == myId && isObserver()) {
            return "server " + myId + " is an observer: only a voting member can lead";
        }
        if (role == Role.FOLLOWING && target == myId && follower.isBroadcasting()) {
            send(follower.leaderId(), new Message.LeadershipRequest(currentEpoch));
            return null;
        }
        if (role == Role.FOLLOWING && target == myId) {
            return "server " + myId + " is not yet synced with its leader";
        }
        return role == Role.LOOKING ? "there is no leader (an election is under way)"
                : "only the leader, or the server asking to lead itself, can hand leadership over";
    }

    /**
     * The leader steps down in favour of the synced voting follower with the longest history.
     *
     * @return null if it is handing over, else why not
     */
    public String yieldLeadership() {
        if (role != Role.LEADING) {
            return "server " + myId + " does not lead";
        }
        int target = leader.handover().bestTarget();
        return target < 0 ? "no synced voting follower to hand leadership to" : transferLeadership(target);
    }

    // ---------------------------------------------------------------- output

    /** True if {@link #ready} has something for the host (and no earlier Ready is awaiting {@link #advance}). */
    public boolean hasReady() {
        if (readyOutstanding) {
            return false;
        }
        return hardStateDirty || truncateTo != null || installSnapshot != null || !entries.isEmpty()
                || !messages.isEmpty() || !sendFirst.isEmpty() || !unordered.isEmpty()
                || committed.counter() > released.counter() || reads.toIssue(readTarget())
                || (leader != null && leader.hasPending()) || (follower != null && follower.hasPending());
    }

    /** Hands the host everything to persist, send and apply. Call {@link #advance} when done before the next one. */
    public Ready ready() {
        if (readyOutstanding) {
            throw new IllegalStateException("previous Ready not advanced");
        }
        flushPending();
        if (!unordered.isEmpty()) {
            unordered.addAll(sendFirst);
            sendFirst = unordered;
            unordered = new ArrayList<>();
        }
        List<Txn> toApply = log.slice(released.counter(), committed.counter());
        Ready r = new Ready(
                hardStateDirty ? new HardState(acceptedEpoch, currentEpoch) : null,
                truncateTo,
                installSnapshot,
                entries,
                messages,
                toApply,
                sendFirst);
        released = committed;
        readyLast = log.lastZxid();
        handedOut = readyLast.counter();
        readyCurrentEpoch = currentEpoch;
        hardStateDirty = false;
        truncateTo = null;
        installSnapshot = null;
        entries = new ArrayList<>();
        messages = new ArrayList<>();
        sendFirst = new ArrayList<>();
        readyOutstanding = true;
        readyHoldsApply = r.appliesAfterMessages();
        return r;
    }

    /** The host has persisted, sent and applied {@code ready}. */
    public void advance(Ready ready) {
        if (!readyOutstanding) {
            throw new IllegalStateException("no Ready outstanding");
        }
        readyOutstanding = false;
        readyHoldsApply = false;
        durableLast = readyLast;
        durableCurrentEpoch = readyCurrentEpoch;
        if (leader != null) {
            leader.onDurable();
        } else if (follower != null) {
            follower.onDurable();
        }
        afterInput();
    }

    /**
     * Committed transactions the host may apply now, ahead of the next Ready: a transaction a quorum holds durably is
     * safe to apply whether or not this peer's own copy is durable yet (ZooKeeper's followers apply on COMMIT too), so
     * a peer need not wait for its own fsync to make a committed write visible. Only entries handed out in a Ready are
     * returned; the host must have written those to its log (not necessarily synced), and applied the committed
     * transactions of every Ready so far, before calling. They are not repeated in the next Ready. Empty while a
     * snapshot is being installed, or a SNAP waits to be sent (it must ship exactly the state at its zxid).
     */
    public List<Txn> takeCommitted() {
        long upTo = Math.min(committed.counter(), handedOut);
        if (upTo <= released.counter() || readyHoldsApply || Ready.shipsSnapshot(messages)) {
            return List.of();
        }
        List<Txn> out = log.slice(released.counter(), upTo);
        released = out.get(out.size() - 1).zxid();
        return out;
    }

    /**
     * The leader's COMMITs (and heartbeats) since the last Ready, for the host to send now instead of with the next
     * Ready, so that the followers apply a write about when the leader does rather than after the leader's fsync of
     * later entries. (Proposals keep batching until the next Ready, one batch per fsync, or until a heartbeat.) The host may call this only when every message of
     * the Readies handed out so far has been sent (a Ready still being persisted must have none), so that each link's
     * order stays as sent. Empty if another message is queued ahead.
     */
    public List<Outbound> takeCommitBroadcast() {
        if (leader != null) {
            leader.flushCommit();
            // Read rounds need nothing durable either: a read need not wait for this peer's fsync of other entries.
            issueReads();
            leader.startReadRounds();
        }
        if (sendFirst.isEmpty()) {
            return List.of();
        }
        List<Outbound> out = sendFirst;
        sendFirst = new ArrayList<>();
        return out;
    }

    /**
     * A follower's read-index messages (answers to the leader's read rounds, and its own requests for a read index,
     * the reads registered so far issued first), for the host to send now, on any path, even while a Ready is being
     * persisted and ahead of its messages: they vouch only that this peer follows its leader in that epoch, which holds
     * whatever is durable, and the leader handles them in any order relative to ACKs. Taken here, they are not in the
     * next Ready; not taken, they are in its {@link Ready#sendFirst}.
     */
    public List<Outbound> takeUnordered() {
        if (role == Role.FOLLOWING) {
            issueReads();
        }
        if (unordered.isEmpty()) {
            return List.of();
        }
        List<Outbound> out = unordered;
        unordered = new ArrayList<>();
        return out;
    }

    // ---------------------------------------------------------------- queries

    /** LOOKING, FOLLOWING or LEADING; OBSERVING for a non-voter that has found its leader (internally it follows). */
    public Role role() {
        return role == Role.FOLLOWING && !quorum.isVoter(myId) ? Role.OBSERVING : role;
    }

    /** True if this peer is a member without a vote (an observer). */
    public boolean isObserver() {
        return !quorum.isVoter(myId);
    }

    /** The leader this peer follows or is, or -1 while looking. */
    public int leaderId() {
        return switch (role) {
            case LEADING -> myId;
            case FOLLOWING, OBSERVING -> follower.leaderId();
            case LOOKING -> -1;
        };
    }

    public int id() {
        return myId;
    }

    public long acceptedEpoch() {
        return acceptedEpoch;
    }

    public long currentEpoch() {
        return currentEpoch;
    }

    public Zxid lastZxid() {
        return log.lastZxid();
    }

    /** The highest zxid known committed here (what has been or is about to be handed out to apply). */
    public Zxid committedZxid() {
        return committed;
    }

    /** True if this peer leads an epoch a quorum has acknowledged (NEWLEADER ACKed by a quorum). */
    public boolean isEstablishedLeader() {
        return role == Role.LEADING && leader.established();
    }

    /** The epoch this peer leads, or -1 if it is not leading or has not chosen one yet. */
    public long leaderEpoch() {
        return role == Role.LEADING ? leader.epoch() : -1;
    }

    /** An established leader that is not handing leadership over. */
    public boolean canPropose() {
        return isEstablishedLeader() && !leader.handover().active();
    }

    /** While leading: the learners connected to this leader (ZooKeeper's mntr "learners"), else 0. */
    public int learners() {
        return role == Role.LEADING ? leader.learnerCount() : 0;
    }

    /** While leading: the voters synced with this leader (mntr's "synced_followers"), else 0. */
    public int syncedFollowers() {
        return role == Role.LEADING ? leader.syncedCount(false) : 0;
    }

    /** While leading: the ids of the learners synced with this leader (ZooKeeper's isQuorumSynced), else empty. */
    public java.util.Set<Integer> syncedPeers() {
        return role == Role.LEADING ? leader.syncedIds() : java.util.Set.of();
    }

    /** While leading: the observers synced with this leader (mntr's "synced_observers"), else 0. */
    public int syncedObservers() {
        return role == Role.LEADING ? leader.syncedCount(true) : 0;
    }

    /** True if this peer is a follower (or observer) that has received UPTODATE (it serves the current epoch). */
    public boolean isSyncedFollower() {
        return role == Role.FOLLOWING && follower.isBroadcasting();
    }

    @Override
    public String toString() {
        return "ZabNode[" + myId + " " + role + " leader=" + leaderId() + " a=" + acceptedEpoch + " c=" + currentEpoch
                + " last=" + log.lastZxid() + " committed=" + committed + "]";
    }

    // ---------------------------------------------------------------- used by the roles

    Vote selfVote() {
        return new Vote(myId, log.lastZxid(), currentEpoch);
    }

    Zxid releasedZxid() {
        return released;
    }

    void send(int to, Message m) {
        if (removed) {
            return;
        }
        flushPending();
        messages.add(new Outbound(to, m));
    }

    /** A follower's read-index message (see {@link #takeUnordered}). */
    void sendUnordered(int to, Message m) {
        unordered.add(new Outbound(to, m));
    }

    long nextReadBatch() {
        return ++readBatches;
    }

    /** Adds a message without flushing batched proposals/ACKs first; only the batchers call this. */
    void sendNow(int to, Message m) {
        messages.add(new Outbound(to, m));
    }

    /**
     * The leader's broadcast (a PROPOSAL, COMMIT or PING): it may leave before this Ready is durable (see
     * {@link Ready#sendFirst}) as long as nothing is queued ahead of it, so per-link order stays as sent.
     */
    void sendBroadcast(int to, Message m) {
        if (messages.isEmpty()) {
            sendFirst.add(new Outbound(to, m));
        } else {
            messages.add(new Outbound(to, m));
        }
    }

    private void flushPending() {
        issueReads();
        if (leader != null) {
            leader.flush();
        }
        if (follower != null) {
            follower.flush();
        }
    }

    void persistEpochs() {
        hardStateDirty = true;
    }

    void appendEntry(Txn t) {
        log.append(t);
        entries.add(t);
        configs.appended(t);
        quorum = configs.joint();
    }

    void truncateLog(Zxid to) {
        if (to.counter() < committed.counter()) {
            throw new IllegalStateException("peer " + myId + " asked to truncate to " + to + " below committed " + committed);
        }
        log.truncateAfter(to.counter());
        handedOut = Math.min(handedOut, to.counter());
        // What was durable beyond `to` is gone: never let a later count take the old tail for this log's.
        if (durableLast.counter() > to.counter()) {
            durableLast = to;
        }
        entries.removeIf(t -> t.counter() > to.counter());
        if (truncateTo == null || to.counter() < truncateTo.counter()) {
            truncateTo = to;
        }
        configs.truncated(to.counter());
        quorum = configs.joint();
    }

    /** {@code config} is the config as of {@code at}, sent with the SNAP (null from a sender that did not say). */
    void installSnapshot(Zxid at, QuorumVerifier config) {
        configs.reset(at.counter(), config != null ? config : configs.asOf(at.counter()));
        quorum = configs.joint();
        needsSnapshot = false;
        log.reset(at);
        entries.clear();
        truncateTo = null;
        installSnapshot = at;
        handedOut = at.counter();
        durableLast = at; // the old log is void; the Ready that installs `at` makes it durable before any commit here
        // The host installed the state at `at`: that is now what is applied, even if it had applied further before.
        committed = at;
        released = at;
    }

    /**
     * A peer told us its committed config (see {@link Message.Notification}). Only the views change: being left out of
     * a learned config does not remove this peer (a joiner is in no config either); a commit of the entry does.
     */
    boolean learnConfig(long counter, QuorumVerifier config) {
        if (!configs.learn(counter, config)) {
            return false;
        }
        quorum = configs.joint();
        return true;
    }

    /** Marks everything up to {@code z} committed; it is handed out to apply in the next Ready. */
    void commitTo(Zxid z) {
        if (z.counter() <= committed.counter()) {
            return;
        }
        if (!log.contains(z)) {
            throw new IllegalStateException("peer " + myId + " commits " + z + " which is not in its log (last " + log.lastZxid() + ")");
        }
        committed = z;
        boolean wasMember = configs.active().members().contains(myId);
        configs.committed(z.counter());
        quorum = configs.joint();
        if (wasMember && !configs.active().members().contains(myId)) {
            leaving = true;
        }
    }

    /** Back to leader election, from any role. */
    void startLooking() {
        role = Role.LOOKING;
        leader = null;
        follower = null;
        if (leaving) {
            removed = true;
            lastProtocolError = "removed from the ensemble by " + configs.active();
            return;
        }
        election.start();
    }

    /** The election chose {@code leaderId}. */
    void elected(int leaderId) {
        if (leaderId == myId && !quorum.isVoter(myId)) {
            throw new IllegalStateException("observer " + myId + " elected itself");
        }
        if (leaderId == myId) {
            role = Role.LEADING;
            leader = new LeaderRole(this);
            leader.start();
        } else {
            role = Role.FOLLOWING;
            follower = new FollowerRole(this, leaderId);
            follower.start();
        }
    }
}
