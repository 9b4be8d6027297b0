package dev.corral.server.storage;

import dev.corral.server.tree.PathValidator;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The children lists of recently listed nodes, in front of RocksDB's prefix scan (about three JNI calls per child:
 * a getChildren of 1,000 children was a 1,000-key scan every time, where ZooKeeper reads a set in its heap).
 *
 * <p>Coherence is {@link MetaCache}'s: readers offer what they scanned with the generation they saw before scanning,
 * under the commit lock, and the offer is dropped if a commit came in between; a commit drops the list of the parent
 * of every node whose metadata it writes or deletes (a create, a delete, or any change of a child: coarse, but never
 * stale). Bounded by the number of names held; when full, it starts over.
 */
final class ChildrenCache {
    private final int maxNames;
    private final ConcurrentHashMap<String, List<String>> lists = new ConcurrentHashMap<>();
    private int names;

    ChildrenCache(int maxNames) {
        this.maxNames = maxNames;
    }

    /** The cached names (immutable), or null. */
    List<String> lookup(String path) {
        return lists.get(path);
    }

    /** Under the commit lock: caches a scan made at {@code seenGeneration} if no commit came since. */
    void offer(String path, List<String> children, long seenGeneration, long generationNow) {
        if (seenGeneration != generationNow || children.size() > maxNames) {
            return;
        }
        if (names + children.size() > maxNames) {
            lists.clear();
            names = 0;
        }
        List<String> old = lists.put(path, List.copyOf(children));
        names += children.size() - (old == null ? 0 : old.size());
    }

    /** Under the commit lock, with the write: the parents of these paths have (or may have) new children lists. */
    void committed(Collection<String> changedPaths) {
        if (lists.isEmpty()) {
            return;
        }
        for (String path : changedPaths) {
            if (!"/".equals(path)) {
                List<String> old = lists.remove(PathValidator.parentOf(path));
                if (old != null) {
                    names -= old.size();
                }
            }
        }
    }

    int size() {
        return lists.size();
    }
}
