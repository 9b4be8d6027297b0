package dev.corral.faults.workload;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The stock client's asynchronous calls as futures, so that every operation can be bounded by a timeout without
 * parking a thread in a call that may hang while the network is cut.
 */
final class Zk {
    private Zk() {
    }

    record Data(byte[] bytes, Stat stat) {
        Long asLong() {
            return bytes == null || bytes.length == 0 ? null
                    : Long.parseLong(new String(bytes, StandardCharsets.US_ASCII).trim());
        }
    }

    static byte[] bytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static <T> boolean fail(CompletableFuture<T> f, int rc, String path) {
        if (rc != 0) {
            f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
            return true;
        }
        return false;
    }

    static CompletableFuture<Void> sync(ZooKeeper zk, String path) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> {
            if (!fail(f, rc, p)) {
                f.complete(null);
            }
        }, null);
        return f;
    }

    static CompletableFuture<Data> getData(ZooKeeper zk, String path) {
        CompletableFuture<Data> f = new CompletableFuture<>();
        zk.getData(path, false, (rc, p, ctx, data, stat) -> {
            if (!fail(f, rc, p)) {
                f.complete(new Data(data, stat));
            }
        }, null);
        return f;
    }

    static CompletableFuture<Stat> setData(ZooKeeper zk, String path, long value, int version) {
        CompletableFuture<Stat> f = new CompletableFuture<>();
        zk.setData(path, bytes(value), version, (rc, p, ctx, stat) -> {
            if (!fail(f, rc, p)) {
                f.complete(stat);
            }
        }, null);
        return f;
    }

    static CompletableFuture<String> create(ZooKeeper zk, String path, byte[] data, CreateMode mode) {
        CompletableFuture<String> f = new CompletableFuture<>();
        zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode, (rc, p, ctx, name) -> {
            if (!fail(f, rc, p)) {
                f.complete(name);
            }
        }, null);
        return f;
    }

    static CompletableFuture<List<String>> children(ZooKeeper zk, String path) {
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        zk.getChildren(path, false, (rc, p, ctx, children) -> {
            if (!fail(f, rc, p)) {
                f.complete(children);
            }
        }, null);
        return f;
    }

    /** A multi that either happened as a whole (its results) or failed with the first failing op's code. */
    static CompletableFuture<List<OpResult>> multi(ZooKeeper zk, List<Op> ops) {
        CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
        zk.multi(ops, (rc, p, ctx, results) -> {
            if (rc != 0 && results != null) {
                for (OpResult r : results) {
                    if (r instanceof OpResult.ErrorResult e && e.getErr() != 0
                            && e.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                        rc = e.getErr();
                        break;
                    }
                }
            }
            if (!fail(f, rc, p)) {
                f.complete(results);
            }
        }, null);
        return f;
    }

    /**
     * Deletes {@code path} and everything under it (setup only; not recorded). The children's deletes are pipelined
     * (sent asynchronously, then awaited): a set phase leaves thousands of children, and one round trip each would
     * take as long as the phase. A child that has children of its own (NOTEMPTY) is then deleted recursively.
     */
    static void deleteTree(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
        List<String> kids;
        try {
            kids = zk.getChildren(path, false);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        java.util.Map<String, CompletableFuture<Void>> deletes = new java.util.LinkedHashMap<>();
        for (String k : kids) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            zk.delete(path + "/" + k, -1, (rc, p, ctx) -> {
                if (!fail(f, rc, p)) {
                    f.complete(null);
                }
            }, null);
            deletes.put(path + "/" + k, f);
        }
        for (java.util.Map.Entry<String, CompletableFuture<Void>> d : deletes.entrySet()) {
            try {
                d.getValue().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof KeeperException ke)) {
                    throw new IllegalStateException(e.getCause());
                }
                if (ke.code() == KeeperException.Code.NOTEMPTY) {
                    deleteTree(zk, d.getKey());
                } else if (ke.code() != KeeperException.Code.NONODE) {
                    throw ke;
                }
            }
        }
        try {
            zk.delete(path, -1);
        } catch (KeeperException.NoNodeException e) {
            // gone already
        }
    }
}
