package dev.corral.server.watch;

import dev.corral.server.wire.EventType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who watches which path, and who to tell when a node changes. One-shot watches are removed when they fire;
 * persistent ones stay. Owned by the request processor thread; not thread-safe.
 */
public final class WatchManager {
    private final Map<WatchKind, Map<String, Set<Watcher>>> byPath = new EnumMap<>(WatchKind.class);
    private final Map<Watcher, Map<WatchKind, Set<String>>> byWatcher = new HashMap<>();
    private int recursiveCount;

    public WatchManager() {
        for (WatchKind kind : WatchKind.values()) {
            byPath.put(kind, new HashMap<>());
        }
    }

    public void add(String path, Watcher watcher, WatchKind kind) {
        if (byPath.get(kind).computeIfAbsent(path, p -> new LinkedHashSet<>()).add(watcher)) {
            byWatcher.computeIfAbsent(watcher, w -> new EnumMap<>(WatchKind.class))
                    .computeIfAbsent(kind, k -> new HashSet<>()).add(path);
            if (kind == WatchKind.PERSISTENT_RECURSIVE) {
                recursiveCount++;
            }
        }
    }

    public boolean has(String path, Watcher watcher, WatchKind kind) {
        Set<Watcher> set = byPath.get(kind).get(path);
        return set != null && set.contains(watcher);
    }

    public boolean remove(String path, Watcher watcher, WatchKind kind) {
        Set<Watcher> set = byPath.get(kind).get(path);
        if (set == null || !set.remove(watcher)) {
            return false;
        }
        if (set.isEmpty()) {
            byPath.get(kind).remove(path);
        }
        Map<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine != null) {
            Set<String> paths = mine.get(kind);
            if (paths != null) {
                paths.remove(path);
            }
        }
        if (kind == WatchKind.PERSISTENT_RECURSIVE) {
            recursiveCount--;
        }
        return true;
    }

    /** Forgets every watch of a watcher (its connection closed). */
    public void removeAll(Watcher watcher) {
        Map<WatchKind, Set<String>> mine = byWatcher.remove(watcher);
        if (mine == null) {
            return;
        }
        for (Map.Entry<WatchKind, Set<String>> e : mine.entrySet()) {
            Map<String, Set<Watcher>> index = byPath.get(e.getKey());
            for (String path : e.getValue()) {
                Set<Watcher> set = index.get(path);
                if (set != null && set.remove(watcher)) {
                    if (e.getKey() == WatchKind.PERSISTENT_RECURSIVE) {
                        recursiveCount--;
                    }
                    if (set.isEmpty()) {
                        index.remove(path);
                    }
                }
            }
        }
    }

    /** The paths a watcher watches with {@code kind} (a copy). */
    public Set<String> paths(Watcher watcher, WatchKind kind) {
        Map<WatchKind, Set<String>> mine = byWatcher.get(watcher);
        if (mine == null || !mine.containsKey(kind)) {
            return Set.of();
        }
        return new HashSet<>(mine.get(kind));
    }

    /** Every watcher with the paths it watches, any kind (a copy). */
    public Map<Watcher, Set<String>> snapshot() {
        return snapshot(Set.of(WatchKind.values()));
    }

    /** Every watcher with the paths it watches with one of {@code kinds} (a copy). */
    public Map<Watcher, Set<String>> snapshot(Set<WatchKind> kinds) {
        Map<Watcher, Set<String>> out = new HashMap<>();
        for (Map.Entry<Watcher, Map<WatchKind, Set<String>>> e : byWatcher.entrySet()) {
            Set<String> paths = new java.util.TreeSet<>();
            e.getValue().forEach((kind, p) -> {
                if (kinds.contains(kind)) {
                    paths.addAll(p);
                }
            });
            if (!paths.isEmpty()) {
                out.put(e.getKey(), paths);
            }
        }
        return out;
    }

    /** Watches of one kind, each (path, watcher) pair once. */
    public int count(WatchKind kind) {
        int n = 0;
        for (Set<Watcher> set : byPath.get(kind).values()) {
            n += set.size();
        }
        return n;
    }

    public int count() {
        int n = 0;
        for (Map<String, Set<Watcher>> index : byPath.values()) {
            for (Set<Watcher> set : index.values()) {
                n += set.size();
            }
        }
        return n;
    }

    /**
     * The notifications one node event causes, each watcher told at most once, with one-shot watches removed.
     * Mirrors ZooKeeper: NodeCreated and NodeDataChanged go to data watches; NodeDeleted to data and child
     * watches; NodeChildrenChanged to child watches; persistent watches on the path see every event; recursive
     * watches on the path or an ancestor see every event but NodeChildrenChanged.
     */
    public List<Notification> trigger(String path, int eventType, long zxid) {
        Set<Watcher> targets = new LinkedHashSet<>();
        switch (eventType) {
            case EventType.NODE_CREATED, EventType.NODE_DATA_CHANGED -> takeOneShot(WatchKind.DATA, path, targets);
            case EventType.NODE_DELETED -> {
                takeOneShot(WatchKind.DATA, path, targets);
                takeOneShot(WatchKind.CHILD, path, targets);
            }
            case EventType.NODE_CHILDREN_CHANGED -> takeOneShot(WatchKind.CHILD, path, targets);
            default -> throw new IllegalArgumentException("not a node event: " + eventType);
        }
        Set<Watcher> persistent = byPath.get(WatchKind.PERSISTENT).get(path);
        if (persistent != null) {
            targets.addAll(persistent);
        }
        if (recursiveCount > 0 && eventType != EventType.NODE_CHILDREN_CHANGED) {
            Map<String, Set<Watcher>> recursive = byPath.get(WatchKind.PERSISTENT_RECURSIVE);
            for (String p = path; p != null; p = parent(p)) {
                Set<Watcher> set = recursive.get(p);
                if (set != null) {
                    targets.addAll(set);
                }
            }
        }
        List<Notification> out = new ArrayList<>(targets.size());
        for (Watcher w : targets) {
            out.add(new Notification(w, eventType, path, zxid));
        }
        return out;
    }

    private void takeOneShot(WatchKind kind, String path, Set<Watcher> into) {
        Set<Watcher> set = byPath.get(kind).remove(path);
        if (set == null) {
            return;
        }
        for (Watcher w : set) {
            into.add(w);
            Map<WatchKind, Set<String>> mine = byWatcher.get(w);
            if (mine != null && mine.containsKey(kind)) {
                mine.get(kind).remove(path);
            }
        }
    }

    private static String parent(String path) {
        if ("/".equals(path)) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }
}
