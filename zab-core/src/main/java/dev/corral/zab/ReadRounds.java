package dev.corral.zab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The leader's read-index confirmation rounds. A round records the commit point, asks every broadcasting follower
 * whether it still follows this epoch, and once a quorum (the leader included) said so, every read that was waiting
 * when the round began gets that commit point as its read index: the leader still led at a moment after those reads
 * arrived, so nothing acknowledged to a client before them can be above it. One round in flight, the reads arriving
 * meanwhile queue for the next: a batch shares one round however many reads it holds.
 */
final class ReadRounds {
    /** Who waits for a round: a read of this peer ({@code follower} < 0) or a follower's batch. */
    private record Waiter(int follower, long id) {}

    private final ZabNode node;
    private final long epoch;
    /** The log's end at establishment: a quorum holds it, so it is committed, and so is all earlier epochs did. */
    private final Zxid floor;
    private List<Waiter> queued = new ArrayList<>();
    private List<Waiter> inRound = new ArrayList<>();
    private final Set<Integer> acks = new HashSet<>();
    private long round;
    private boolean inFlight;
    private Zxid index;

    ReadRounds(ZabNode node, long epoch, Zxid floor) {
        this.node = node;
        this.epoch = epoch;
        this.floor = floor;
    }

    void addLocal(List<Long> ids) {
        for (long id : ids) {
            queued.add(new Waiter(-1, id));
        }
    }

    void addFollowerBatch(int follower, long batch) {
        queued.add(new Waiter(follower, batch));
    }

    /** Starts a round if reads wait and none is in flight; {@code followers} are the broadcasting ones. */
    void maybeStart(Iterable<Integer> followers) {
        if (inFlight || queued.isEmpty()) {
            return;
        }
        inFlight = true;
        round++;
        index = Zxid.max(node.committed, floor);
        inRound = queued;
        queued = new ArrayList<>();
        acks.clear();
        acks.add(node.myId);
        resend(followers);
        maybeConfirm();
    }

    /** Asks again (a tick passed): a follower that resynced since the round began never saw it. */
    void resend(Iterable<Integer> followers) {
        if (!inFlight) {
            return;
        }
        Message.ReadRound r = new Message.ReadRound(epoch, round);
        for (int f : followers) {
            if (!acks.contains(f)) {
                node.sendBroadcast(f, r);
            }
        }
    }

    /** A broadcasting follower answered. */
    void onAck(int from, Message.ReadRoundAck a) {
        if (!inFlight || a.epoch() != epoch || a.round() != round) {
            return;
        }
        acks.add(from);
        maybeConfirm();
    }

    private void maybeConfirm() {
        if (!node.quorum.containsQuorum(acks)) {
            return;
        }
        inFlight = false;
        for (Waiter w : inRound) {
            if (w.follower() < 0) {
                node.confirmRead(w.id(), index);
            } else {
                node.sendBroadcast(w.follower(), new Message.ReadIndexReply(epoch, w.id(), index));
            }
        }
        inRound = new ArrayList<>();
    }

    boolean hasQueued() {
        return !inFlight && !queued.isEmpty();
    }
}
