package dev.corral.zab;

import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations a peer derives from its log: the committed one (the newest config entry at or below the commit
 * point, else the host's config as of its applied zxid) and the pending one (the newest config entry above the commit
 * point, or null). Kept as a map from counter to the config that takes effect there; its first entry is the base.
 */
final class Configs {
    private final ConfigDecoder decoder;
    private final TreeMap<Long, QuorumVerifier> byCounter = new TreeMap<>();
    private long committedCounter;
    private QuorumVerifier active;
    private QuorumVerifier pending;
    private QuorumVerifier joint;

    /** {@code base} is the config as of {@code baseCounter} (the applied zxid); later log entries are decoded. */
    Configs(ConfigDecoder decoder, QuorumVerifier base, long baseCounter, Iterable<Txn> log) {
        this.decoder = decoder;
        byCounter.put(baseCounter, base);
        committedCounter = baseCounter;
        for (Txn t : log) {
            if (t.counter() > baseCounter) {
                appended(t);
            }
        }
        derive();
    }

    /** The config a payload installs, or null. */
    QuorumVerifier decode(byte[] payload) {
        return decoder.configIn(payload);
    }

    void appended(Txn t) {
        QuorumVerifier c = decoder.configIn(t.payload());
        if (c != null) {
            byCounter.put(t.counter(), c);
            derive();
        }
    }

    /** The log now ends at {@code counter}: config entries after it are gone (a committed one, learned, stays). */
    void truncated(long counter) {
        long keep = Math.max(counter, committedCounter);
        if (!byCounter.tailMap(keep, false).isEmpty()) {
            byCounter.tailMap(keep, false).clear();
            derive();
        }
    }

    /**
     * Another peer says {@code config}, installed by the entry at {@code counter}, is committed: adopt it if it is
     * newer than ours (a committed config is the ensemble's whatever our log holds). Returns true if adopted.
     */
    boolean learn(long counter, QuorumVerifier config) {
        if (counter <= activeCounter()) {
            return false;
        }
        byCounter.put(counter, config);
        committedCounter = Math.max(committedCounter, counter);
        derive();
        return true;
    }

    /** The counter of the entry that installed the committed config (the base's, if none did). */
    long activeCounter() {
        Long k = byCounter.floorKey(committedCounter);
        return k == null ? byCounter.firstKey() : k;
    }

    void committed(long counter) {
        committedCounter = Math.max(committedCounter, counter);
        derive();
    }

    /** A snapshot at {@code counter} replaced the state and the log; {@code config} is the config as of it. */
    void reset(long counter, QuorumVerifier config) {
        // A config learned from another peer, newer than the snapshot, stays: it is committed.
        Map.Entry<Long, QuorumVerifier> learned = byCounter.floorEntry(committedCounter);
        byCounter.clear();
        byCounter.put(counter, config);
        if (learned != null && learned.getKey() > counter) {
            byCounter.put(learned.getKey(), learned.getValue());
        }
        committedCounter = Math.max(committedCounter, counter);
        derive();
    }

    /** The log before {@code counter} is gone: keep only the config in force there and what follows. */
    void compacted(long counter) {
        Long floor = byCounter.floorKey(counter);
        if (floor != null) {
            byCounter.headMap(floor, false).clear();
        }
    }

    /** The config in force at {@code counter} (for a snapshot taken there). */
    QuorumVerifier asOf(long counter) {
        Map.Entry<Long, QuorumVerifier> e = byCounter.floorEntry(counter);
        return e == null ? byCounter.firstEntry().getValue() : e.getValue();
    }

    QuorumVerifier active() {
        return active;
    }

    QuorumVerifier pending() {
        return pending;
    }

    /** What every quorum decision asks: both configs while one is pending, else the committed one. */
    QuorumVerifier joint() {
        return joint;
    }

    private void derive() {
        Map.Entry<Long, QuorumVerifier> c = byCounter.floorEntry(committedCounter);
        active = c == null ? byCounter.firstEntry().getValue() : c.getValue();
        Map.Entry<Long, QuorumVerifier> last = byCounter.lastEntry();
        pending = last.getKey() > committedCounter ? last.getValue() : null;
        joint = pending == null ? active : new JointQuorum(active, pending);
    }
}
