package dev.corral.faults.hosts;

import dev.corral.faults.cluster.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A stock Java client session pinned to one member (its connect string names only that member's bridge address), so
 * that a step done "through member N" is served by N. Watch events and an expiry are recorded for the checks.
 */
final class MemberSession implements AutoCloseable {
    /** Connection losses are retried this long: a restart or a leadership change closes connections. */
    private static final Duration RETRY = Duration.ofSeconds(25);

    private final Node node;
    private final ZooKeeper zk;
    private final BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    private volatile boolean expired;
    private final AtomicInteger disconnects = new AtomicInteger();

    MemberSession(Node node, int sessionTimeoutMs) throws IOException, InterruptedException {
        this.node = node;
        CountDownLatch connected = new CountDownLatch(1);
        this.zk = new ZooKeeper(node.clientAddress(), sessionTimeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            if (e.getState() == Watcher.Event.KeeperState.Expired) {
                expired = true;
            }
            if (e.getState() == Watcher.Event.KeeperState.Disconnected) {
                disconnects.incrementAndGet();
            }
        });
        if (!connected.await(20, TimeUnit.SECONDS)) {
            zk.close();
            throw new IOException("no session with " + node + " at " + node.clientAddress() + " in 20 s");
        }
    }

    Node node() {
        return node;
    }

    ZooKeeper zk() {
        return zk;
    }

    long sessionId() {
        return zk.getSessionId();
    }

    /** How many times the connection was lost so far. */
    int disconnects() {
        return disconnects.get();
    }

    boolean expired() {
        return expired;
    }

    /** A watcher that queues its events here, for {@link #awaitEvent}. */
    Watcher watcher() {
        return events::add;
    }

    /**
     * Waits up to {@code timeout} for watch events, each named "Type path" (e.g. "NodeCreated /a"); returns those of
     * {@code expected} that did not arrive (empty when all did). Events not expected are dropped.
     */
    Set<String> awaitEvents(Set<String> expected, Duration timeout) throws InterruptedException {
        Set<String> missing = new TreeSet<>(expected);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            WatchedEvent e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                break;
            }
            missing.remove(e.getType() + " " + e.getPath());
        }
        return missing;
    }

    /** Creates {@code path}; a retried create that finds the node with the same data counts as done. */
    void create(String path, String data, CreateMode mode) throws Exception {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        boolean retried = false;
        long deadline = System.nanoTime() + RETRY.toNanos();
        while (true) {
            try {
                zk.create(path, bytes, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
                return;
            } catch (KeeperException.NodeExistsException e) {
                if (retried && data.equals(read(path))) {
                    return;
                }
                throw e;
            } catch (KeeperException.ConnectionLossException e) {
                retried = true;
                pauseOrThrow(deadline, e);
            }
        }
    }

    /** Creates an empty persistent {@code path} unless it exists. */
    void createIfAbsent(String path) throws Exception {
        try {
            create(path, "", CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // made by an earlier step
        }
    }

    /** The children of {@code path} after a sync, as this member sees them once it has caught up with the leader. */
    List<String> syncedChildren(String path) throws Exception {
        long deadline = System.nanoTime() + RETRY.toNanos();
        while (true) {
            try {
                CountDownLatch synced = new CountDownLatch(1);
                zk.sync(path, (rc, p, ctx) -> synced.countDown(), null);
                synced.await(10, TimeUnit.SECONDS);
                return zk.getChildren(path, false);
            } catch (KeeperException.ConnectionLossException e) {
                pauseOrThrow(deadline, e);
            }
        }
    }

    String read(String path) throws Exception {
        long deadline = System.nanoTime() + RETRY.toNanos();
        while (true) {
            try {
                return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
            } catch (KeeperException.ConnectionLossException e) {
                pauseOrThrow(deadline, e);
            }
        }
    }

    private static void pauseOrThrow(long deadline, KeeperException e) throws Exception {
        if (System.nanoTime() > deadline) {
            throw e;
        }
        Thread.sleep(200);
    }

    @Override
    public void close() throws InterruptedException {
        zk.close();
    }
}
