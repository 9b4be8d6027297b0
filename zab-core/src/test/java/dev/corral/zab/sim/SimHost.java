package dev.corral.zab.sim;

import dev.corral.zab.DurableState;
import dev.corral.zab.Message;
import dev.corral.zab.Outbound;
import dev.corral.zab.QuorumVerifier;
import dev.corral.zab.Ready;
import dev.corral.zab.Role;
import dev.corral.zab.TestNodes;
import dev.corral.zab.Txn;
import dev.corral.zab.WireTap;
import dev.corral.zab.ZabConfig;
import dev.corral.zab.ZabNode;
import dev.corral.zab.Zxid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated server around one ZabNode: a disk (durable epochs, log and state machine) and the Ready loop. Persisting a
 * Ready takes virtual time; a crash in that window loses it, and its messages were never sent.
 *
 * <p>Planted bugs (tests only) that live in the host: a {@link WireTap} sees what the node receives and may rewrite
 * what it sends, and with {@link PlantedBug#ACK_BEFORE_PERSIST} the host sends a Ready's messages before its fsync.
 */
final class SimHost {
    final int id;
    private final Simulation sim;
    private final ZabConfig config;
    private final WireTap tap;
    /** Planted bug ACK_BEFORE_PERSIST: send a Ready's messages when it is taken, not once it is durable. */
    private final boolean sendBeforePersist;
    ZabNode core;
    boolean up = true;
    /** This peer has been removed from the ensemble (isMember() false): it must never send again. */
    boolean retired;
    /** Retired while a Ready was in flight: the one Ready after it may still carry what was queued before. */
    private boolean leftoverAllowed;

    // The disk. The state machine (applied) is durable with each apply, like a store that writes the applied zxid in
    // the same atomic batch as the change.
    long acceptedEpoch;
    long currentEpoch;
    Zxid base = Zxid.ZERO;
    final ArrayList<Txn> durableLog = new ArrayList<>();
    ArrayList<Txn> applied = new ArrayList<>();
    /** Lowest counter whose durable coverage may have changed since the checker last looked. */
    long durableChangedFrom = Long.MAX_VALUE;

    /** Coverage only: the last NEWEPOCH above its acceptedEpoch this peer took, and the leader it came from. */
    private long promisedEpoch = -1;
    private int promisedTo;
    private Ready inFlight;
    /** Coverage: a leader handed leadership to this peer and the election has not decided yet. */
    private boolean handedOver;
    /** The in-flight Ready's messages have been sent already (only with ACK_BEFORE_PERSIST). */
    private boolean inFlightSent;
    private long inFlightId;
    private final Map<Zxid, List<Txn>> receivedSnapshots = new HashMap<>();

    SimHost(Simulation sim, int id, ZabConfig config, WireTap tap) {
        this.sim = sim;
        this.id = id;
        this.config = config;
        this.tap = tap;
        this.sendBeforePersist = sim.config().bugs().contains(PlantedBug.ACK_BEFORE_PERSIST);
        this.core = new ZabNode(config, DurableState.EMPTY);
    }

    DurableState durableState() {
        Zxid appliedZxid = applied.isEmpty() ? Zxid.ZERO : applied.get(applied.size() - 1).zxid();
        return new DurableState(acceptedEpoch, currentEpoch, base, durableLog, appliedZxid);
    }

    Zxid appliedZxid() {
        return applied.isEmpty() ? Zxid.ZERO : applied.get(applied.size() - 1).zxid();
    }

    /** True if the disk holds {@code z}: in the log, or as the snapshot base. */
    boolean durablyHolds(Zxid z) {
        if (z.counter() == base.counter()) {
            return z.equals(base);
        }
        long i = z.counter() - base.counter() - 1;
        return i >= 0 && i < durableLog.size() && durableLog.get((int) i).zxid().equals(z);
    }

    /** The durable transaction at {@code counter} if the log holds it (null if compacted or absent). */
    Txn durableAt(long counter) {
        long i = counter - base.counter() - 1;
        return i >= 0 && i < durableLog.size() ? durableLog.get((int) i) : null;
    }

    // ---------------------------------------------------------------- inputs from the simulation

    void receive(int from, Message m, Object attachment) {
        if (!up) {
            return;
        }
        if (m instanceof Message.Snap s) {
            @SuppressWarnings("unchecked")
            List<Txn> state = (List<Txn>) attachment;
            receivedSnapshots.put(s.at(), state);
        }
        sim.trace(id, "recv from " + from + ": " + describe(m));
        if (m instanceof Message.NewEpoch ne && ne.epoch() <= core.acceptedEpoch()) {
            sim.count(ne.epoch() < core.acceptedEpoch() ? "msg.NewEpoch.stale" : "msg.NewEpoch.equal");
            if (ne.epoch() == promisedEpoch && promisedTo != from && core.leaderId() == from) {
                // The race the epoch promise exists for: this epoch was promised to another would-be leader.
                sim.count("race.epochPromisedToAnotherLeader");
            }
        } else if (m instanceof Message.NewEpoch ne && core.leaderId() == from) {
            promisedEpoch = ne.epoch();
            promisedTo = from;
        }
        if (m instanceof Message.Diff || m instanceof Message.Trunc || m instanceof Message.Snap
                || m instanceof Message.NewLeader || m instanceof Message.NewEpoch || m instanceof Message.TakeOver
                || m instanceof Message.LeadershipRequest || m instanceof Message.Inform) {
            sim.count("msg." + m.getClass().getSimpleName());
        }
        if (m instanceof Message.TakeOver t && t.target() == id) {
            handedOver = true;
        }
        tap.received(from, m);
        core.step(from, m);
        if (handedOver && core.role() != Role.LOOKING) {
            // Coverage: how often the peer a leader handed over to is the one the election chose.
            sim.count(core.role() == Role.LEADING ? "transfer.targetLeads" : "transfer.targetFollows");
            handedOver = false;
        }
        if (sim.config().profile().staleFollow() && sim.inFaultPhase() && m instanceof Message.Notification n
                && n.state() == Role.LEADING && core.role() == Role.LOOKING) {
            sim.count("fault.staleFollow");
            sim.trace(id, "FAULT stale election view: follow " + from);
            TestNodes.staleFollow(core, from, n.vote());
        }
        pump();
    }

    /** Takes itself as leader, as if a quorum's votes for it were current (see {@link FaultProfile#staleLeadPct}). */
    void staleLead() {
        TestNodes.staleLead(core);
        pump();
    }

    /** The host's connection from {@code peer} closed. */
    void peerUnreachable(int peer) {
        if (!up) {
            return;
        }
        core.peerUnreachable(peer);
        pump();
    }

    /** The host's connection to {@code peer} (re)opened. */
    void peerReachable(int peer) {
        if (!up) {
            return;
        }
        core.peerReachable(peer);
        pump();
    }

    void tick() {
        if (!up) {
            return;
        }
        core.tick();
        pump();
    }

    Zxid propose(byte[] payload) {
        Zxid z = core.propose(payload);
        sim.checker().onPropose(this, z, payload);
        pump();
        return z;
    }

    void requestRead(long readId) {
        sim.checker().onReadRequested(this, readId);
        core.requestRead(readId);
        pump();
    }

    private void drainReads() {
        for (dev.corral.zab.ReadIndex ri : core.takeConfirmedReads()) {
            sim.trace(id, "read " + ri.id() + " confirmed at " + ri.index());
            sim.checker().onReadConfirmed(this, ri.id(), ri.index());
        }
    }

    void crash() {
        sim.checker().onCrash(this);
        sim.trace(id, "CRASH (in-flight Ready lost: " + (inFlight != null) + ")");
        up = false;
        core = null;
        inFlight = null;
        receivedSnapshots.clear();
        sim.network().resetConnections(id);
    }

    void restart() {
        sim.trace(id, "RESTART from disk a=" + acceptedEpoch + " c=" + currentEpoch + " base=" + base
                + " log=" + durableLog.size() + " applied=" + appliedZxid());
        if (appliedZxid().counter() > base.counter() + durableLog.size()) {
            // The state machine applied committed txns early and the crash took their (written, unsynced) log
            // entries: the log restarts empty at what was applied, as the server's recovery does.
            sim.count("restart.stateAheadOfLog");
            base = appliedZxid();
            durableLog.clear();
            durableChangedFrom = 0;
        }
        core = new ZabNode(configAsOfApplied(), durableState());
        up = true;
        pump();
        sim.linksOpened(id);
    }

    /** What a host persists beside its state: the config as of what it applied (else the one it started with). */
    private ZabConfig configAsOfApplied() {
        QuorumVerifier q = config.quorum();
        for (int i = applied.size() - 1; i >= 0; i--) {
            QuorumVerifier c = config.configDecoder().configIn(applied.get(i).payload());
            if (c != null) {
                q = c;
                break;
            }
        }
        return new ZabConfig(id, q, config.initLimit(), config.syncLimit(), config.maxBatch(), config.configDecoder());
    }

    Zxid proposeReconfig(byte[] payload) {
        Zxid z = core.proposeReconfig(payload);
        sim.checker().onPropose(this, z, payload);
        pump();
        return z;
    }

    // ---------------------------------------------------------------- the Ready loop

    void pump() {
        if (!up) {
            return;
        }
        drainReads();
        pumpReadies();
        if (up) {
            drainReads();
        }
        if (up && !retired && !core.isMember()) {
            retired = true;
            leftoverAllowed = inFlight != null;
            sim.count("reconfig.retired");
            sim.trace(id, "removed from the ensemble");
        }
    }

    /** A removed peer sends nothing but what it had queued when it was removed. */
    private void checkSilent(List<Outbound> out, boolean newReady) {
        if (!retired) {
            return;
        }
        if (leftoverAllowed) {
            leftoverAllowed = !newReady;
            return;
        }
        if (!out.isEmpty()) {
            throw sim.violation("removed peer is silent", "peer " + id + " was removed but sends " + out);
        }
    }

    private void pumpReadies() {
        if (inFlight != null) {
            // While the fsync runs (its entries were written when the Ready was taken): send the leader's broadcast if
            // nothing of the Ready waits to go out ahead of it, and apply what a quorum has committed meanwhile.
            if (inFlight.messages().isEmpty() || inFlightSent) {
                List<Outbound> broadcast = core.takeCommitBroadcast();
                checkSilent(broadcast, false);
                sendAll(broadcast);
            }
            // A follower's read-index messages leave now too, as coord-server's driver sends them (any order).
            sendAll(core.takeUnordered());
            List<Txn> early = core.takeCommitted();
            if (!early.isEmpty()) {
                sim.count("apply.early");
                applyAll(early);
            }
            return;
        }
        if (!core.hasReady()) {
            return;
        }
        Ready r = core.ready();
        List<Outbound> all = new ArrayList<>(r.sendFirst());
        all.addAll(r.messages());
        checkSilent(all, true);
        inFlight = r;
        long myId = ++inFlightId;
        // The leader's broadcast leaves now, before the fsync below completes (a crash meanwhile loses the fsync).
        sendAll(r.sendFirst());
        inFlightSent = false;
        if (sendBeforePersist && !r.messages().isEmpty()) {
            // Planted bug: the rest goes too, ACKs included, though nothing of this Ready is on disk yet.
            if (r.mustPersist() && r.messages().stream().anyMatch(o -> o.message() instanceof Message.Ack)) {
                sim.count("planted." + PlantedBug.ACK_BEFORE_PERSIST);
            }
            sendAll(r.messages());
            inFlightSent = true;
        }
        if (!r.appliesAfterMessages()) {
            applyAll(r.committed()); // the entries are written now; their fsync is what takes the time below
        }
        long delay = r.mustPersist() ? 1 + sim.random().nextInt(6) : 0;
        sim.schedule(sim.now() + delay, () -> persisted(myId), null);
    }

    private void persisted(long readyId) {
        if (!up || inFlight == null || readyId != inFlightId) {
            return;
        }
        Ready r = inFlight;
        persist(r);
        if (!inFlightSent) {
            sendAll(r.messages());
        }
        if (r.appliesAfterMessages()) {
            applyAll(r.committed());
        }
        core.advance(r);
        inFlight = null;
        if (sim.config().compaction()) {
            maybeCompact();
        }
        pump();
    }

    private void applyAll(List<Txn> txns) {
        for (Txn t : txns) {
            sim.checker().onApply(this, t);
            applied.add(t);
        }
    }

    private void sendAll(List<Outbound> messages) {
        for (Outbound o : tap.sending(messages)) {
            Object attachment = null;
            if (o.message() instanceof Message.Ack a) {
                sim.checker().onAckSent(this, a);
            } else if (o.message() instanceof Message.Snap s) {
                attachment = snapshotAt(s.at());
            }
            sim.network().send(id, o.to(), o.message(), attachment);
        }
    }

    private void persist(Ready r) {
        if (r.hardState() != null) {
            acceptedEpoch = r.hardState().acceptedEpoch();
            currentEpoch = r.hardState().currentEpoch();
        }
        if (r.truncateTo() != null) {
            long keep = r.truncateTo().counter() - base.counter();
            if (keep < 0) {
                throw sim.violation("truncation", "peer " + id + " truncates to " + r.truncateTo() + " below its snapshot " + base);
            }
            if (r.truncateTo().counter() < appliedZxid().counter()) {
                throw sim.violation("truncation", "peer " + id + " truncates to " + r.truncateTo() + " below applied " + appliedZxid());
            }
            if (durableLog.size() > keep) {
                sim.count("log.truncated");
            }
            while (durableLog.size() > keep) {
                durableLog.remove(durableLog.size() - 1);
            }
            durableChangedFrom = Math.min(durableChangedFrom, r.truncateTo().counter() + 1);
        }
        if (r.installSnapshot() != null) {
            List<Txn> state = receivedSnapshots.remove(r.installSnapshot());
            if (state == null) {
                throw new IllegalStateException("peer " + id + " told to install a snapshot it never received: " + r.installSnapshot());
            }
            applied = new ArrayList<>(state);
            base = r.installSnapshot();
            durableLog.clear();
            durableChangedFrom = 0;
            sim.checker().onSnapshotInstalled(this);
            sim.count("snapshot.installed");
        }
        for (Txn t : r.entries()) {
            long expected = base.counter() + durableLog.size() + 1;
            if (t.counter() != expected) {
                throw sim.violation("log", "peer " + id + " asked to append " + t.zxid() + " at position " + expected);
            }
            durableLog.add(t);
        }
        if (r.mustPersist()) {
            sim.trace(id, "fsync " + (r.hardState() != null ? r.hardState() + " " : "")
                    + (r.truncateTo() != null ? "trunc>" + r.truncateTo() + " " : "")
                    + (r.installSnapshot() != null ? "snap@" + r.installSnapshot() + " " : "")
                    + (r.entries().isEmpty() ? "" : "append " + r.entries().get(0).zxid() + ".." + r.entries().get(r.entries().size() - 1).zxid()));
        }
    }

    private List<Txn> snapshotAt(Zxid at) {
        // The core asks for a snapshot at exactly what we have applied so far (before this Ready's commits).
        if (!appliedZxid().equals(at)) {
            throw sim.violation("snapshot", "peer " + id + " asked to ship a snapshot at " + at + " but has applied " + appliedZxid());
        }
        return List.copyOf(applied);
    }

    private void maybeCompact() {
        // Like a server that snapshots every so often and keeps a short log tail: keep 10 entries after the snapshot.
        long target = appliedZxid().counter() - 10;
        if (target - base.counter() >= 30 && sim.random().nextInt(3) == 0) {
            Zxid z = applied.get((int) target - 1).zxid();
            core.compact(z);
            int drop = (int) (target - base.counter());
            durableLog.subList(0, drop).clear();
            base = z;
            sim.trace(id, "compact to " + z);
        }
    }

    static String describe(Message m) {
        if (m instanceof Message.Proposal p) {
            List<Txn> t = p.txns();
            return "Proposal[e=" + p.epoch() + " " + (t.isEmpty() ? "-" : t.get(0).zxid() + ".." + t.get(t.size() - 1).zxid()) + "]";
        }
        if (m instanceof Message.AckEpoch a) {
            return "AckEpoch[e=" + a.epoch() + " cur=" + a.currentEpoch() + " last=" + a.lastZxid() + " starts=" + a.epochStarts() + " fresh=" + a.fresh() + "]";
        }
        return m.toString();
    }
}
