package dev.corral.zab;

/**
 * A leader handing leadership over (ZooKeeper has no such request; ClickHouse Keeper's rqld/ydld and Raft's
 * leadership transfer do the same). Once started the leader proposes nothing new; when the target holds and the
 * quorum has committed everything in the leader's log, the leader sends TakeOver to every synced learner and steps
 * down, preferring the target in the election that follows. A target that goes away, or does not catch up within
 * syncLimit ticks, ends in an ordinary election: the host has already let the refused writes' clients go.
 */
final class Handover {
    private final ZabNode node;
    private final LeaderRole leader;
    /** The follower leadership is being handed to, or -1. */
    private int target = -1;
    private long start;

    Handover(ZabNode node, LeaderRole leader) {
        this.node = node;
        this.leader = leader;
    }

    /** True while a hand-over is under way: nothing new may be proposed. */
    boolean active() {
        return target >= 0;
    }

    /** Why leadership cannot be handed to {@code candidate} now, or null if it can. */
    String refusal(int candidate) {
        if (!leader.established()) {
            return "this server is not an established leader";
        }
        if (target >= 0) {
            return "leadership is already being handed to server " + target;
        }
        if (candidate == node.myId) {
            return "server " + candidate + " already leads";
        }
        if (!node.quorum.isVoter(candidate)) {
            return "server " + candidate + " is not a voting member";
        }
        LeaderRole.Session s = leader.session(candidate);
        if (s == null || s.phase != LeaderRole.Phase.BROADCAST) {
            return "server " + candidate + " is not a synced follower of this leader";
        }
        return null;
    }

    /** Starts handing over to {@code candidate}; check {@link #refusal} first. */
    void start(int candidate) {
        target = candidate;
        start = node.now;
        check();
    }

    /** The synced voting follower with the longest acknowledged history (for a yield), or -1. */
    int bestTarget() {
        LeaderRole.Session best = null;
        for (LeaderRole.Session s : leader.sessions()) {
            if (s.phase == LeaderRole.Phase.BROADCAST && node.quorum.isVoter(s.id)
                    && (best == null || s.acked.isAfter(best.acked))) {
                best = s;
            }
        }
        return best == null ? -1 : best.id;
    }

    /** After every ACK and every durable Ready: hands over once the target has everything and all is committed. */
    void check() {
        if (target < 0) {
            return;
        }
        LeaderRole.Session t = leader.session(target);
        Zxid last = node.log.lastZxid();
        if (t == null || t.phase != LeaderRole.Phase.BROADCAST) {
            stepDown(null); // the target went away: an ordinary election
            return;
        }
        if (!t.acked.equals(last) || !node.committed.equals(last)) {
            return;
        }
        leader.flush();
        Message.TakeOver takeOver = new Message.TakeOver(leader.epoch(), target, last);
        for (LeaderRole.Session s : leader.sessions()) {
            if (s.phase == LeaderRole.Phase.BROADCAST) {
                node.send(s.id, takeOver);
            }
        }
        stepDown(takeOver);
    }

    /** On each tick: true (and the leader has stepped down) if the target did not catch up within syncLimit. */
    boolean timedOut() {
        if (target < 0 || node.now - start <= node.config.syncLimit()) {
            return false;
        }
        stepDown(null);
        return true;
    }

    private void stepDown(Message.TakeOver takeOver) {
        if (takeOver != null) {
            node.election.prefer(takeOver.target(), takeOver.lastZxid());
        }
        node.startLooking();
    }
}
