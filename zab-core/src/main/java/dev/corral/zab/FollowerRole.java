package dev.corral.zab;

import java.util.HashSet;
import java.util.Set;

/**
 * The follower's side: FOLLOWERINFO, accept NEWEPOCH (never one below our acceptedEpoch), sync by DIFF/TRUNC/SNAP plus
 * proposals, adopt the epoch on NEWLEADER and ACK it, then log and ACK proposals and apply what COMMIT says.
 *
 * <p>Anything out of order (a lost message shows up as a gap) ends the session: back to election, then a fresh sync.
 *
 * <p>An observer runs this role too (the leader never counts its ACKs); after UPTODATE it learns commits from INFORMs.
 */
final class FollowerRole {
    enum Phase { DISCOVERY, SYNC, SYNCED, BROADCAST }

    private final ZabNode node;
    private final int leaderId;
    private final long startTick;
    private long lastHeard;
    private Phase phase = Phase.DISCOVERY;
    private long epoch = -1;
    private boolean syncStarted;
    private boolean ackPending;
    /** The leader's own log is durable up to here (its SYNCED messages of this session). */
    private Zxid leaderDurable = Zxid.ZERO;
    private final Set<Integer> pair = new HashSet<>(4);
    /** Linearizable reads of this peer, asked of the leader in pipelined batches. */
    private final FollowerReads reads;

    FollowerRole(ZabNode node, int leaderId) {
        this.node = node;
        this.leaderId = leaderId;
        this.startTick = node.now;
        this.lastHeard = node.now;
        this.reads = new FollowerReads(node);
    }

    int leaderId() {
        return leaderId;
    }

    boolean isBroadcasting() {
        return phase == Phase.BROADCAST;
    }

    void start() {
        node.send(leaderId, new Message.FollowerInfo(node.acceptedEpoch));
    }

    void onMessage(int from, Message m) {
        if (from != leaderId) {
            return;
        }
        lastHeard = node.now;
        if (m instanceof Message.Ping p) {
            onPing(p);
            return;
        }
        if (m instanceof Message.NewEpoch ne) {
            onNewEpoch(ne);
            return;
        }
        if (m instanceof Message.TakeOver t) {
            if (phase == Phase.BROADCAST && t.epoch() == epoch) {
                // The leader handed over: look now (not after syncLimit ticks of silence) and prefer its choice.
                node.election.prefer(t.target(), t.lastZxid());
                node.lastProtocolError = "leader " + leaderId + " handed leadership to " + t.target();
                node.startLooking();
            }
            return;
        }
        if (m instanceof Message.ReadRound r) {
            // Only while following this leader in its epoch: that is what the answer vouches for.
            if (phase == Phase.BROADCAST && r.epoch() == epoch) {
                node.sendUnordered(leaderId, new Message.ReadRoundAck(epoch, r.round()));
            }
            return;
        }
        if (m instanceof Message.ReadIndexReply r) {
            if (r.epoch() == epoch && phase == Phase.BROADCAST) {
                reads.onReply(r, leaderId);
            }
            return;
        }
        if (phase == Phase.DISCOVERY) {
            return; // left over from an earlier session with this leader
        }
        if (epochOf(m) != epoch) {
            protocolError("message for epoch " + epochOf(m) + " in epoch " + epoch + ": " + m);
            return;
        }
        if (m instanceof Message.Proposal p) {
            onProposal(p);
        } else if (m instanceof Message.Commit c) {
            onCommit(c);
        } else if (m instanceof Message.Synced sy) {
            onLeaderSynced(sy);
        } else if (m instanceof Message.Inform i) {
            onInform(i);
        } else if (m instanceof Message.Diff d) {
            onSyncStart(() -> requireLast(d.from()));
        } else if (m instanceof Message.Trunc t) {
            if (t.to().counter() < node.committed.counter()) {
                // What we applied is not the leader's history (a majority lost its disks): truncating cannot undo
                // an applied state, a snapshot replaces it. End this session and ask for one.
                node.needsSnapshot = true;
                protocolError("asked to truncate to " + t.to() + " below applied " + node.committed
                        + ": asking for a snapshot");
                return;
            }
            onSyncStart(() -> node.truncateLog(t.to()));
        } else if (m instanceof Message.Snap s) {
            onSyncStart(() -> node.installSnapshot(s.at(), s.config()));
        } else if (m instanceof Message.NewLeader nl) {
            onNewLeader(nl);
        } else if (m instanceof Message.UpToDate u) {
            onUpToDate(u);
        } else {
            protocolError("unexpected " + m);
        }
    }

    private static long epochOf(Message m) {
        if (m instanceof Message.Proposal p) {
            return p.epoch();
        } else if (m instanceof Message.Commit c) {
            return c.epoch();
        } else if (m instanceof Message.Synced sy) {
            return sy.epoch();
        } else if (m instanceof Message.Inform i) {
            return i.epoch();
        } else if (m instanceof Message.Diff d) {
            return d.epoch();
        } else if (m instanceof Message.Trunc t) {
            return t.epoch();
        } else if (m instanceof Message.Snap s) {
            return s.epoch();
        } else if (m instanceof Message.NewLeader n) {
            return n.epoch();
        } else if (m instanceof Message.UpToDate u) {
            return u.epoch();
        }
        return -2;
    }

    private void onPing(Message.Ping p) {
        if ((phase == Phase.SYNCED || phase == Phase.BROADCAST) && p.epoch() == epoch) {
            if (p.lastZxid().counter() > node.log.lastCounter()) {
                protocolError("ping says the leader sent up to " + p.lastZxid() + " but the log ends at " + node.log.lastZxid());
                return;
            }
            if (phase == Phase.BROADCAST) {
                commit(p.committed());
                if (node.role != Role.FOLLOWING) {
                    return;
                }
            }
            // Answer with a cumulative ACK: it repairs a lost ACK (or NEWLEADER ACK). Like every message it leaves
            // only after our log up to lastZxid is durable.
            node.send(leaderId, new Message.Ack(epoch, node.log.lastZxid()));
            return;
        }
        node.send(leaderId, new Message.Ping(p.epoch()));
    }

    private void onNewEpoch(Message.NewEpoch ne) {
        if (phase != Phase.DISCOVERY) {
            // A duplicate from an earlier session with this leader (its reply already counted) is harmless.
            if (ne.epoch() != epoch) {
                protocolError("NEWEPOCH " + ne.epoch() + " in " + phase);
            }
            return;
        }
        long e = ne.epoch();
        if (e < node.acceptedEpoch) {
            // We promised a newer epoch to someone else; this leader is out of date.
            protocolError("NEWEPOCH " + e + " below acceptedEpoch " + node.acceptedEpoch);
            return;
        }
        boolean fresh = e > node.acceptedEpoch;
        if (e > node.acceptedEpoch) {
            node.acceptedEpoch = e;
            node.persistEpochs();
        }
        epoch = e;
        phase = Phase.SYNC;
        node.send(leaderId, new Message.AckEpoch(e, node.currentEpoch, node.log.lastZxid(), node.log.epochStarts(), fresh,
                node.needsSnapshot));
    }

    private void onSyncStart(Runnable action) {
        if (phase != Phase.SYNC || syncStarted) {
            protocolError("sync start in " + phase);
            return;
        }
        syncStarted = true;
        action.run();
    }

    private void requireLast(Zxid from) {
        if (!node.log.lastZxid().equals(from)) {
            throw new IllegalStateException("DIFF from " + from + " but log ends at " + node.log.lastZxid());
        }
    }

    private void onProposal(Message.Proposal p) {
        boolean broadcast = phase == Phase.SYNCED || phase == Phase.BROADCAST;
        if (!broadcast && !(phase == Phase.SYNC && syncStarted)) {
            protocolError("PROPOSAL before sync");
            return;
        }
        for (Txn t : p.txns()) {
            Zxid last = node.log.lastZxid();
            if (t.counter() != last.counter() + 1 || t.epoch() < last.epoch() || t.epoch() > epoch
                    || (broadcast && t.epoch() != epoch)) {
                protocolError("proposal " + t.zxid() + " does not follow " + last);
                return;
            }
            node.appendEntry(t);
        }
        // During sync the NEWLEADER ACK covers the DIFF; afterwards every batch is ACKed (cumulatively).
        if (broadcast) {
            ackPending = true;
        }
    }

    private void onNewLeader(Message.NewLeader nl) {
        if (phase != Phase.SYNC || !syncStarted || !node.log.lastZxid().equals(nl.lastZxid())) {
            protocolError("NEWLEADER " + nl.lastZxid() + " in " + phase + " with log at " + node.log.lastZxid());
            return;
        }
        node.currentEpoch = epoch;
        node.persistEpochs();
        phase = Phase.SYNCED;
        // Sent in this Ready, i.e. after the DIFF entries and currentEpoch are durable.
        node.send(leaderId, new Message.Ack(epoch, nl.lastZxid()));
    }

    private void onUpToDate(Message.UpToDate u) {
        if (phase != Phase.SYNCED) {
            protocolError("UPTODATE in " + phase);
            return;
        }
        phase = Phase.BROADCAST;
        commit(u.committed());
    }

    private void onCommit(Message.Commit c) {
        if (phase != Phase.BROADCAST) {
            protocolError("COMMIT in " + phase);
            return;
        }
        commit(c.zxid());
    }

    private void onLeaderSynced(Message.Synced sy) {
        if (phase != Phase.BROADCAST) {
            protocolError("SYNCED in " + phase);
            return;
        }
        leaderDurable = Zxid.max(leaderDurable, sy.zxid());
        commitWhatWeAndTheLeaderHold();
    }

    /** Our own log is durable up to {@code node.durableLast} now. */
    void onDurable() {
        if (phase == Phase.BROADCAST) {
            commitWhatWeAndTheLeaderHold();
        }
    }

    /**
     * An entry of this epoch that both our log and the leader's hold durably is committed if the two of us make a
     * quorum (three voters): any later leader is elected by a quorum that includes one of us, and discovery only lets
     * one lead whose history is not behind that quorum's, so the entry survives every failover, which is all a COMMIT
     * would tell us (ZAB's leader commits on the same evidence). This saves a write's ACK and COMMIT crossing the
     * network twice. Not while a config change is pending: then the joint rule, and the leader, decide.
     */
    private void commitWhatWeAndTheLeaderHold() {
        Zxid z = node.durableLast.compareTo(leaderDurable) < 0 ? node.durableLast : leaderDurable;
        if (z.epoch() != epoch || z.counter() <= node.committed.counter() || node.configs.pending() != null) {
            return;
        }
        pair.clear();
        pair.add(leaderId);
        pair.add(node.myId);
        if (node.quorum.containsQuorum(pair)) {
            commit(z);
        }
    }

    private void onInform(Message.Inform inf) {
        // Not checked against our own view of being an observer: around a config change the leader's view of our
        // role and ours may differ for a while, and an INFORM carries committed txns, which any learner may take.
        if (phase != Phase.BROADCAST) {
            protocolError("INFORM in " + phase);
            return;
        }
        for (Txn t : inf.txns()) {
            Zxid last = node.log.lastZxid();
            if (t.counter() != last.counter() + 1 || t.epoch() < last.epoch() || t.epoch() > epoch) {
                protocolError("informed " + t.zxid() + " does not follow " + last);
                return;
            }
            node.appendEntry(t);
        }
        commit(inf.committed());
    }

    private void commit(Zxid z) {
        if (z.counter() > node.log.lastCounter()) {
            protocolError("commit " + z + " beyond log end " + node.log.lastZxid());
            return;
        }
        node.commitTo(z);
    }

    boolean hasPending() {
        return ackPending;
    }

    /** Linearizable reads of this peer (only a broadcasting follower is handed any). */
    void requestReads(java.util.List<Long> ids) {
        reads.request(ids, leaderId, epoch);
    }

    void flush() {
        if (ackPending) {
            ackPending = false;
            node.sendNow(leaderId, new Message.Ack(epoch, node.log.lastZxid()));
        }
    }

    void onTick() {
        long silence = node.now - lastHeard;
        long limit = phase == Phase.BROADCAST ? node.config.syncLimit() : node.config.initLimit();
        if (silence > limit || (phase != Phase.BROADCAST && node.now - startTick > node.config.initLimit())) {
            node.startLooking();
            return;
        }
        if (phase == Phase.BROADCAST) {
            reads.onTick(leaderId, epoch);
        }
        if (phase == Phase.DISCOVERY) {
            // The leader may not have known it leads when our FOLLOWERINFO arrived (it decides a tick later, or the
            // link dropped it). A repeat restarts the session there; FIFO keeps the replies consistent.
            node.send(leaderId, new Message.FollowerInfo(node.acceptedEpoch));
        }
    }

    private void protocolError(String why) {
        node.lastProtocolError = why;
        node.startLooking();
    }
}
