package dev.corral.zab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The core's in-memory view of the log: a snapshot base zxid followed by transactions with consecutive counters. It
 * mirrors what the host has durably plus what the current Ready will make durable. Held in a growable array with a
 * moving head so that appends and prefix compaction are amortised O(1).
 */
final class TxnLog {
    private Zxid base;
    private Txn[] items = new Txn[64];
    private int head;
    private int size;

    TxnLog(Zxid base, List<Txn> entries) {
        this.base = base;
        for (Txn t : entries) {
            append(t);
        }
    }

    Zxid base() {
        return base;
    }

    int size() {
        return size;
    }

    Zxid lastZxid() {
        return size == 0 ? base : items[head + size - 1].zxid();
    }

    long lastCounter() {
        return base.counter() + size;
    }

    /** The zxid at {@code counter}, the base's if it is the base, or null if outside [base, last]. */
    Zxid zxidAt(long counter) {
        if (counter == base.counter()) {
            return base;
        }
        Txn t = get(counter);
        return t == null ? null : t.zxid();
    }

    /** The entry at {@code counter}, or null if it is not in the log (compacted, or beyond the end). */
    Txn get(long counter) {
        long i = counter - base.counter() - 1;
        return i < 0 || i >= size ? null : items[head + (int) i];
    }

    boolean contains(Zxid z) {
        return z.equals(zxidAt(z.counter()));
    }

    void append(Txn t) {
        Zxid last = lastZxid();
        if (t.counter() != last.counter() + 1 || t.epoch() < last.epoch()) {
            throw new IllegalStateException("append " + t.zxid() + " after " + last);
        }
        if (head + size == items.length) {
            if (head > items.length / 2) {
                System.arraycopy(items, head, items, 0, size);
                Arrays.fill(items, size, head + size, null);
            } else {
                items = Arrays.copyOf(items, items.length * 2);
                System.arraycopy(items, head, items, 0, size);
                if (head > 0) {
                    Arrays.fill(items, size, head + size, null);
                }
            }
            head = 0;
        }
        items[head + size++] = t;
    }

    /** Drops every entry with a counter above {@code counter}. */
    void truncateAfter(long counter) {
        if (counter < base.counter()) {
            throw new IllegalStateException("truncate to " + counter + " below snapshot base " + base);
        }
        int keep = (int) (counter - base.counter());
        if (keep < size) {
            Arrays.fill(items, head + keep, head + size, null);
            size = keep;
        }
    }

    /** Forgets entries up to and including {@code z}, which becomes the base (the host has a snapshot there). */
    void compactTo(Zxid z) {
        if (z.counter() <= base.counter()) {
            return;
        }
        if (!contains(z)) {
            throw new IllegalStateException("compact to " + z + " which is not in the log");
        }
        int drop = (int) (z.counter() - base.counter());
        Arrays.fill(items, head, head + drop, null);
        head += drop;
        size -= drop;
        base = z;
        if (size == 0) {
            head = 0;
        }
    }

    /** Empties the log: a snapshot at {@code snapshot} replaces everything. */
    void reset(Zxid snapshot) {
        Arrays.fill(items, head, head + size, null);
        head = 0;
        size = 0;
        base = snapshot;
    }

    /** Entries with counters in (afterCounter, toCounter], which must lie in the log. */
    List<Txn> slice(long afterCounter, long toCounter) {
        if (toCounter <= afterCounter) {
            return List.of();
        }
        if (afterCounter < base.counter() || toCounter > lastCounter()) {
            throw new IllegalStateException("slice (" + afterCounter + ", " + toCounter + "] outside " + base + ".." + lastZxid());
        }
        int from = head + (int) (afterCounter - base.counter());
        int to = head + (int) (toCounter - base.counter());
        return new ArrayList<>(Arrays.asList(items).subList(from, to));
    }

    /**
     * The first zxid of each run of equal epochs, starting with the base. Epochs never decrease along a log, so each
     * run boundary is found by binary search: O(runs * log n).
     */
    List<Zxid> epochStarts() {
        List<Zxid> starts = new ArrayList<>();
        starts.add(base);
        long epoch = base.epoch();
        int pos = 0;
        while (pos < size) {
            Txn t = items[head + pos];
            if (t.epoch() != epoch) {
                epoch = t.epoch();
                starts.add(t.zxid());
            }
            pos = firstWithEpochAbove(epoch, pos);
        }
        return starts;
    }

    private int firstWithEpochAbove(long epoch, int from) {
        int lo = from;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (items[head + mid].epoch() <= epoch) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
