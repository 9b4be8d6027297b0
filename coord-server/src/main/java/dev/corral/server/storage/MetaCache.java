package dev.corral.server.storage;

import dev.corral.server.tree.NodeMeta;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of decoded node metadata (and of known-absent paths) in front of RocksDB. Every create, delete
 * and setData reads the metadata of the node and of its parent, and a hot parent is read on every create below it;
 * a JNI get plus a decode costs several microseconds where a map lookup costs tens of nanoseconds.
 *
 * <p>Coherence: the store calls {@link #committed} and {@link #offer} under its commit lock. A reader offers what it
 * read together with the generation it saw before reading; the offer is dropped if a commit happened meanwhile, so
 * a value read before a commit can never overwrite the value the commit wrote. Lookups take no lock.
 *
 * <p>Bounded by entry count (about 200 bytes of heap each), so the tree still lives in RocksDB, not the heap; when
 * full, an arbitrary quarter of the entries is dropped.
 */
final class MetaCache {
    private static final Object ABSENT = new Object();

    private final int maxEntries;
    private final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();
    private volatile long generation;

    MetaCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** What to do with a lookup: a hit (possibly of an absent node) or a miss. */
    Object lookup(String path) {
        return entries.get(path);
    }

    static boolean isAbsent(Object hit) {
        return hit == ABSENT;
    }

    long generation() {
        return generation;
    }

    /** Under the commit lock: caches what a reader read at {@code seenGeneration}, unless a commit came since. */
    void offer(String path, NodeMeta meta, long seenGeneration) {
        if (maxEntries > 0 && generation == seenGeneration) {
            put(path, meta);
        }
    }

    /** Under the commit lock, after the write: the batch's metadata changes (null = deleted) replace the cache's. */
    void committed(Map<String, NodeMeta> changes) {
        generation++;
        if (maxEntries > 0) {
            changes.forEach(this::put);
        }
    }

    /** Under the commit lock: forget everything (the store's contents were replaced). */
    void clear() {
        generation++;
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    private void put(String path, NodeMeta meta) {
        if (entries.size() >= maxEntries && !entries.containsKey(path)) {
            int drop = Math.max(1, maxEntries / 4);
            for (Iterator<String> it = entries.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
                it.next();
                it.remove();
            }
        }
        entries.put(path, meta == null ? ABSENT : meta);
    }
}
