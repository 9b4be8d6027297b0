package dev.corral.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Client sessions spread over the servers of a connect list: session i talks to server i mod n only, so the load
 * is spread evenly and every server of an ensemble gets its share (the stock client would pick at random).
 */
final class Sessions implements AutoCloseable {
    private final List<ZooKeeper> handles = new ArrayList<>();

    private Sessions() {
    }

    static Sessions open(List<String> servers, int count, int sessionTimeoutMs, long waitMs)
            throws IOException, InterruptedException {
        Sessions s = new Sessions();
        CountDownLatch connected = new CountDownLatch(count);
        try {
            for (int i = 0; i < count; i++) {
                AtomicBoolean once = new AtomicBoolean();
                Watcher w = e -> {
                    if (e.getType() == Watcher.Event.EventType.None
                            && e.getState() == Watcher.Event.KeeperState.SyncConnected && once.compareAndSet(false, true)) {
                        connected.countDown();
                    }
                };
                s.handles.add(new ZooKeeper(servers.get(i % servers.size()), sessionTimeoutMs, w));
            }
            if (!connected.await(waitMs, TimeUnit.MILLISECONDS)) {
                throw new IOException((count - connected.getCount()) + " of " + count + " sessions connected to "
                        + servers + " within " + waitMs + " ms");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    ZooKeeper get(int i) {
        return handles.get(i);
    }

    int size() {
        return handles.size();
    }

    /**
     * Closes every session at once: each close waits for the server to commit its closeSession, about a write's
     * round trip, so one after another added seconds to every run.
     */
    @Override
    public void close() {
        List<Thread> closing = new ArrayList<>();
        for (ZooKeeper zk : handles) {
            Thread t = new Thread(() -> closeQuietly(zk, 2000), "close-session");
            t.setDaemon(true);
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Closes a handle, waiting up to {@code waitMs} for the server to end its session. */
    static void closeQuietly(ZooKeeper zk, int waitMs) {
        try {
            zk.close(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
