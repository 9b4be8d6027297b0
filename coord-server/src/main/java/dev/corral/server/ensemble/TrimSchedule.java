package dev.corral.server.ensemble;

/**
 * When a member makes its tree durable (a flush: the tree has no WAL) and lets its ZAB log forget what the tree holds:
 * every {@code every} commits, and once commits pause. A restart re-applies every committed txn above the tree's last
 * flush, so the count bounds that replay under a steady load, and the pause makes it nothing after a burst: a member
 * killed a few seconds after its last write comes back without replaying the burst's tail (up to {@code every - 1}
 * txns, about a second of a follower's start-up at 10,000). Thread-safe: commits are counted on the driver thread,
 * pauses noticed on a timer.
 */
final class TrimSchedule {
    private final long every;
    private final long idleNanos;
    private final long minSpacingNanos;
    private long sinceTrim;
    private long lastCommitNanos;
    private long lastTrimNanos;

    /**
     * {@code idleNanos}: how long commits must pause before an idle trim; {@code minSpacingNanos}: the least time
     * between two idle trims, so that a trickle of writes, each after a pause, does not flush a tiny table file per
     * write.
     */
    TrimSchedule(long every, long idleNanos, long minSpacingNanos, long nowNanos) {
        if (every < 1) {
            throw new IllegalArgumentException("trim interval " + every + " < 1");
        }
        this.every = every;
        this.idleNanos = idleNanos;
        this.minSpacingNanos = minSpacingNanos;
        this.lastTrimNanos = nowNanos;
    }

    /** A commit was handed over; true if a trim is due now. */
    synchronized boolean committed(long nowNanos) {
        lastCommitNanos = nowNanos;
        if (++sinceTrim >= every) {
            trimmed(nowNanos);
            return true;
        }
        return false;
    }

    /** Asked now and then; true if commits have paused with some not yet trimmed, and an idle trim is due. */
    synchronized boolean idle(long nowNanos) {
        if (sinceTrim == 0 || nowNanos - lastCommitNanos < idleNanos || nowNanos - lastTrimNanos < minSpacingNanos) {
            return false;
        }
        trimmed(nowNanos);
        return true;
    }

    private void trimmed(long nowNanos) {
        sinceTrim = 0;
        lastTrimNanos = nowNanos;
    }
}
