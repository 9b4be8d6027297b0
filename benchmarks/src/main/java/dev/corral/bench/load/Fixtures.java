package dev.corral.bench.load;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/** Creates the nodes a workload works on, idempotently (nodes that exist are left as they are). */
final class Fixtures {
    private Fixtures() {
    }

    static void ensure(ZooKeeper zk, String path, byte[] data) throws KeeperException, InterruptedException {
        try {
            zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // already there from an earlier run
        }
    }

    /** Creates {@code paths} with up to 256 creates in flight; existing ones are fine, any other error fails. */
    static void ensureAll(ZooKeeper zk, List<String> paths, byte[] data) throws IOException, InterruptedException {
        Semaphore window = new Semaphore(256);
        AtomicReference<String> failure = new AtomicReference<>();
        for (String path : paths) {
            window.acquire();
            if (failure.get() != null) {
                break;
            }
            zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
                if (rc != 0 && rc != KeeperException.Code.NODEEXISTS.intValue()) {
                    failure.compareAndSet(null, p + ": " + KeeperException.Code.get(rc));
                }
                window.release();
            }, null);
        }
        if (!window.tryAcquire(256, 60, TimeUnit.SECONDS)) {
            throw new IOException("fixture creates did not complete within 60 s");
        }
        if (failure.get() != null) {
            throw new IOException("cannot create fixture node " + failure.get());
        }
    }
}
