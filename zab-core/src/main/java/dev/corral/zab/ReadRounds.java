package dev.corral.zab;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leader's read-index confirmation rounds. A round records the commit point, asks every broadcasting follower
 * whether it still follows this epoch, and once a quorum (the leader included) said so, every read that was waiting
 * when the round began gets that commit point as its read index: the leader still led at a moment after those reads
 * arrived, so nothing acknowledged to a client before them can be above it.
 *
 * <p>Rounds are pipelined: up to {@link #MAX_IN_FLIGHT} are in flight, each taking the reads queued since the one
 * before it began, so a read arriving while a round is out waits for the next round's own round trip, not for the
 * rest of the current one first. Rounds are numbered in the order they begin and a follower answers them in that
 * order (one link, FIFO), so its answer to round n vouches for every round up to n: it still followed after each of
 * them began. They are confirmed oldest first.
 */
final class ReadRounds {
    /** Rounds in flight at once; more wait in one queue (a bound keeps a busy leader's rounds batching reads). */
    static final int MAX_IN_FLIGHT = 4;

    /** Who waits for a round: a read of this peer ({@code follower} < 0) or a follower's batch. */
    private record Waiter(int follower, long id) {}

    /** A round in flight: its number, the commit point it began at, and the reads that were queued then. */
    private record Round(long number, Zxid index, List<Waiter> waiters) {}

    private final ZabNode node;
    private final long epoch;
    /** The log's end at establishment: a quorum holds it, so it is committed, and so is all earlier epochs did. */
    private final Zxid floor;
    private List<Waiter> queued = new ArrayList<>();
    private final ArrayDeque<Round> inFlight = new ArrayDeque<>();
    /** The highest round each follower answered in this epoch. */
    private final Map<Integer, Long> answered = new HashMap<>();
    private final Set<Integer> scratch = new HashSet<>();
    private long round;

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

    /** Starts a round if reads wait and fewer than the most are in flight; {@code followers} are the broadcasting ones. */
    void maybeStart(Iterable<Integer> followers) {
        if (!hasQueued()) {
            return;
        }
        round++;
        // Not only our commit point: a follower may have committed up to what we announced in SYNCED without us knowing
        // yet, and told its client (FollowerRole#commitWhatWeAndTheLeaderHold). Those entries commit here one ACK later.
        inFlight.add(new Round(round, Zxid.max(node.leader.committedAnywhere(), floor), queued));
        queued = new ArrayList<>();
        Message.ReadRound r = new Message.ReadRound(epoch, round);
        for (int f : followers) {
            node.sendBroadcast(f, r);
        }
        maybeConfirm();
    }

    /**
     * Asks again (a tick passed): a follower that resynced since the newest round began never saw it. Only the newest
     * round: its answer covers the older ones.
     */
    void resend(Iterable<Integer> followers) {
        if (inFlight.isEmpty()) {
            return;
        }
        long newest = inFlight.peekLast().number();
        Message.ReadRound r = new Message.ReadRound(epoch, newest);
        for (int f : followers) {
            if (answered.getOrDefault(f, 0L) < newest) {
                node.sendBroadcast(f, r);
            }
        }
    }

    /** A broadcasting follower answered. */
    void onAck(int from, Message.ReadRoundAck a) {
        if (a.epoch() != epoch || a.round() > round) {
            return;
        }
        answered.merge(from, a.round(), Math::max);
        maybeConfirm();
    }

    private void maybeConfirm() {
        while (!inFlight.isEmpty()) {
            Round head = inFlight.peek();
            scratch.clear();
            scratch.add(node.myId);
            for (Map.Entry<Integer, Long> e : answered.entrySet()) {
                if (e.getValue() >= head.number()) {
                    scratch.add(e.getKey());
                }
            }
            if (!node.quorum.containsQuorum(scratch)) {
                return;
            }
            inFlight.poll();
            for (Waiter w : head.waiters()) {
                if (w.follower() < 0) {
                    node.confirmRead(w.id(), head.index());
                } else {
                    node.sendBroadcast(w.follower(), new Message.ReadIndexReply(epoch, w.id(), head.index()));
                }
            }
        }
    }

    /** Whether {@link #maybeStart} would start a round now. */
    boolean hasQueued() {
        return inFlight.size() < MAX_IN_FLIGHT && !queued.isEmpty();
    }
}
