package dev.corral.faults.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memo of the linearizability search: the configurations already explored. A configuration is the set of
 * determinate ops linearized, the register's state, whether the next op may be a write, and how many indeterminate ops
 * of each group of identical ones are linearized. The first three are kept as a 128-bit fingerprint (a bitset would
 * cost a bit per op of the key, for millions of configurations; two distinct ones share a fingerprint with
 * probability about 2^-128, far below any other doubt); under it, the count vectors seen.
 *
 * <p>A configuration that used no more of any group than one already explored, with the rest equal, can do nothing
 * that one could not: the indeterminate ops have no deadline, so the more are left the more is possible. Such a
 * configuration is subsumed and not explored again. Without this, the counts alone multiply the configurations by the
 * product of the groups' sizes.
 *
 * <p>Most configurations have used no indeterminate op at all; those are kept apart as bare fingerprints, which subsume
 * every vector under the same key, so the common case costs sixteen bytes.
 */
final class ConfigMemo {
    private record Key(long hi, long lo) {}

    private final FingerprintSet unused = new FingerprintSet();
    private final Map<Key, List<int[]>> seen = new HashMap<>();
    private long size;

    /**
     * Records the configuration unless it is subsumed by one recorded. {@code free} is the fingerprint of the same
     * configuration with the next op unrestricted, which subsumes the restricted one with the same counts.
     *
     * @param used per group, how many are linearized
     * @return true when the configuration is new and worth exploring
     */
    boolean add(long hi, long lo, long freeHi, long freeLo, boolean restricted, int[] used) {
        if (unused.contains(freeHi, freeLo) || (restricted && unused.contains(hi, lo))) {
            return false;
        }
        if (subsumed(new Key(freeHi, freeLo), used) || (restricted && subsumed(new Key(hi, lo), used))) {
            return false;
        }
        size++;
        if (allZero(used)) {
            unused.add(hi, lo);
            seen.remove(new Key(hi, lo));
            return true;
        }
        List<int[]> vectors = seen.computeIfAbsent(new Key(hi, lo), k -> new ArrayList<>(1));
        // those the new one subsumes can go: it answers for them, and shorter lists are quicker to search
        vectors.removeIf(v -> atLeast(v, used));
        vectors.add(sparse(used));
        return true;
    }

    long size() {
        return size;
    }

    private boolean subsumed(Key key, int[] used) {
        List<int[]> vectors = seen.get(key);
        if (vectors == null) {
            return false;
        }
        for (int[] v : vectors) {
            if (atMost(v, used)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the sparse vector v (pairs of group, count) is pointwise at most the dense one. */
    private static boolean atMost(int[] v, int[] dense) {
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] > dense[v[i]]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the sparse vector v is pointwise at least the dense one. */
    private static boolean atLeast(int[] v, int[] dense) {
        int j = 0;
        for (int g = 0; g < dense.length; g++) {
            if (dense[g] == 0) {
                continue;
            }
            while (j < v.length && v[j] < g) {
                j += 2;
            }
            if (j >= v.length || v[j] != g || v[j + 1] < dense[g]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(int[] used) {
        for (int c : used) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] sparse(int[] dense) {
        int nonZero = 0;
        for (int c : dense) {
            if (c != 0) {
                nonZero++;
            }
        }
        int[] v = new int[2 * nonZero];
        int j = 0;
        for (int g = 0; g < dense.length; g++) {
            if (dense[g] != 0) {
                v[j++] = g;
                v[j++] = dense[g];
            }
        }
        return v;
    }
}
