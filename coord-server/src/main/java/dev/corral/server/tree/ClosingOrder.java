package dev.corral.server.tree;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/**
 * The order in which ZooKeeper 3.9.5 deletes the ephemerals of a closing session, which is the order their
 * NodeDeleted events fire (each followed by its parent's NodeChildrenChanged). A session's close, whether the client
 * asked for it or the session expired (ZooKeeperServer.expire calls close), is one closeSession request, so both
 * take this order.
 *
 * <p>What ZooKeeper does: DataTree keeps each session's ephemeral paths in a {@code HashSet<String>}, made with the
 * default capacity when the session's first ephemeral is created and added to in creation order (createNode).
 * PrepRequestProcessor takes {@code getEphemerals(session)}, which is {@code clone()} of that set, and the
 * CloseSessionTxn lists the clone's iteration order; killSession deletes in that order.
 *
 * <p>What that order depends on, and how it is reproduced: a HashMap iterates bucket by bucket ({@code hash & (n-1)},
 * with hash = {@code String.hashCode()} spread by {@code h ^ (h >>> 16)}; String.hashCode is fixed by its spec), and
 * within a bucket in the order the entries were inserted. {@code clone()} does not keep the table: it sizes a new
 * one from the set's size alone and inserts the entries in the original's iteration order, so ties within a bucket
 * of the copy follow the original's buckets, then creation order. Hence the order is a function of the paths, their
 * creation order and the set's size history, which this class replays with the JDK's own HashSet. The JDK matters:
 * the clone's table size is {@code tableSizeFor((int) (size / 0.75f + 1))} up to Java 18 and
 * {@code tableSizeFor(ceil(size / 0.75))} from Java 19 (JDK-8281631; later JDKs may change it again), so the order
 * equals that of a ZooKeeper running on the same Java version as Corral (the differential tests run both on one JVM).
 *
 * <p>Where it can still differ: (1) ephemerals created by one multi share a czxid; ZooKeeper added them in op order,
 * the store does not record it, and they are replayed in path order. (2) ZooKeeper's set keeps the table it grew to
 * when the session once had more ephemerals than it has now; this replays a set that never shrank. (3) Ephemerals a
 * ZooKeeper close finds still in flight (outstandingChanges) join the copy after the clone; Corral applies each
 * write before it prepares the next. (4) After a ZooKeeper restart its sets are rebuilt in snapshot order.
 */
final class ClosingOrder {
    private ClosingOrder() {
    }

    /** {@code paths} (the session's ephemerals, all present in {@code view}) in ZooKeeper's deletion order. */
    static List<String> of(ZnodeStore view, List<String> paths) {
        List<String> byCreation = new ArrayList<>(paths);
        // A stable sort: ephemerals created by one multi (one czxid) stay in the store's path order.
        byCreation.sort(Comparator.comparingLong(path -> view.meta(path).czxid()));
        HashSet<String> owned = new HashSet<>();          // DataTree: computeIfAbsent(owner, k -> new HashSet<>())
        for (String path : byCreation) {
            owned.add(path);
        }
        @SuppressWarnings("unchecked")
        HashSet<String> copy = (HashSet<String>) owned.clone();   // DataTree.getEphemerals
        return new ArrayList<>(copy);
    }
}
