package dev.corral.faults.check;

/**
 * A set of 128-bit fingerprints in two flat arrays, open addressing: sixteen bytes per member at most half full, where
 * boxed keys in a HashMap would cost ten times that.
 */
final class FingerprintSet {
    private long[] hi;
    private long[] lo;
    private int mask;
    private int size;

    FingerprintSet() {
        allocate(1 << 12);
    }

    boolean contains(long h, long l) {
        if (h == 0 && l == 0) {
            h = 1; // (0, 0) marks an empty slot
        }
        for (int i = slot(h, l); hi[i] != 0 || lo[i] != 0; i = (i + 1) & mask) {
            if (hi[i] == h && lo[i] == l) {
                return true;
            }
        }
        return false;
    }

    /** Adds the fingerprint; false when it was there already. */
    boolean add(long h, long l) {
        if (h == 0 && l == 0) {
            h = 1;
        }
        int i = slot(h, l);
        while (hi[i] != 0 || lo[i] != 0) {
            if (hi[i] == h && lo[i] == l) {
                return false;
            }
            i = (i + 1) & mask;
        }
        hi[i] = h;
        lo[i] = l;
        if (++size * 2 > hi.length) {
            grow();
        }
        return true;
    }

    private int slot(long h, long l) {
        return (int) (h ^ (l >>> 17)) & mask;
    }

    private void allocate(int capacity) {
        hi = new long[capacity];
        lo = new long[capacity];
        mask = capacity - 1;
    }

    private void grow() {
        long[] oh = hi;
        long[] ol = lo;
        allocate(oh.length * 2);
        for (int j = 0; j < oh.length; j++) {
            if (oh[j] != 0 || ol[j] != 0) {
                int i = slot(oh[j], ol[j]);
                while (hi[i] != 0 || lo[i] != 0) {
                    i = (i + 1) & mask;
                }
                hi[i] = oh[j];
                lo[i] = ol[j];
            }
        }
    }
}
