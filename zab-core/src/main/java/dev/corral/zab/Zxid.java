package dev.corral.zab;

/**
 * A transaction id: the epoch of the leader that proposed it and a 64-bit counter.
 *
 * <p>Unlike ZooKeeper's packed {@code epoch:32 | counter:32} long, the counter is a separate long that is <em>not reset</em>
 * when a new epoch starts: the first proposal of epoch {@code e} takes the counter after the leader's last log entry. So
 * the counter alone is a gap-free position in the committed history (a Raft-style index) and can never force an election
 * (2^63 counters at 10^9 txns/s last 292 years). Ids order lexicographically by (epoch, counter), as ZAB requires.
 */
public record Zxid(long epoch, long counter) implements Comparable<Zxid> {
    /** The position before the first transaction of an empty history. */
    public static final Zxid ZERO = new Zxid(0, 0);

    public Zxid {
        if (epoch < 0 || counter < 0) {
            throw new IllegalArgumentException("negative zxid " + epoch + ":" + counter);
        }
    }

    @Override
    public int compareTo(Zxid o) {
        int c = Long.compare(epoch, o.epoch);
        return c != 0 ? c : Long.compare(counter, o.counter);
    }

    public boolean isAfter(Zxid o) {
        return compareTo(o) > 0;
    }

    public boolean isBefore(Zxid o) {
        return compareTo(o) < 0;
    }

    public static Zxid max(Zxid a, Zxid b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return epoch + ":" + counter;
    }
}
