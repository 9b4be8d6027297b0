package dev.corral.faults.check;

/**
 * The memo of the linearizability search: the configurations (linearized set, register state) already explored, each
 * kept as a 128-bit fingerprint instead of its bitset. A bitset costs a bit per op of the key (several hundred bytes
 * for thousands of ops) and a search visits millions of configurations; sixteen bytes each keeps that within memory.
 * Two distinct configurations share a fingerprint with probability about 2^-128 per pair, far below any other doubt.
 */
final class ConfigSet {
    private long[] hi;
    private long[] lo;
    private int mask;
    private int size;

    ConfigSet() {
        allocate(1 << 12);
    }

    /** Adds the fingerprint; false when it was there already. */
    boolean add(long h, long l) {
        if (h == 0 && l == 0) {
            h = 1; // (0, 0) marks an empty slot
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

    int size() {
        return size;
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
