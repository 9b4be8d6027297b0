package dev.corral.server.pipeline;

/**
 * The last zxid this server applied: what replies, stats and reconnecting clients are measured against. Owned by the
 * processor thread; the write path moves it forward as txns apply, and a snapshot install resets it.
 */
public final class ZxidClock {
    private long last;

    ZxidClock(long start) {
        this.last = start;
    }

    public long last() {
        return last;
    }

    /** A txn with {@code zxid} was applied (never moves back: a re-delivered commit is a no-op). */
    public void applied(long zxid) {
        last = Math.max(last, zxid);
    }

    /** The store was replaced (a snapshot install): its zxid is now the truth, even if lower. */
    void reset(long zxid) {
        last = zxid;
    }
}
