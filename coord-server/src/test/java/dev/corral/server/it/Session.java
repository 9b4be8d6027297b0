package dev.corral.server.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** One stock client in a differential run, recording the watch events it receives. */
final class Session implements AutoCloseable {
    final int index;
    final ZooKeeper zk;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    Session(int index, String connectString) throws Exception {
        this.index = index;
        this.zk = Servers.connect(connectString, 30000, this::record);
    }

    private void record(WatchedEvent e) {
        if (e.getType() != Watcher.Event.EventType.None) {
            events.add(e.getType() + " " + e.getPath() + " z:" + e.getZxid());
        }
    }

    /**
     * The events received so far. A round trip first: the client delivers callbacks in order behind the
     * events that arrived before them, so every event the server sent before this call is in.
     */
    List<String> drainEvents() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        zk.exists("/", false, (AsyncCallback.StatCallback) (rc, p, c, s) -> done.complete(null), null);
        done.get(20, TimeUnit.SECONDS);
        synchronized (events) {
            List<String> copy = new ArrayList<>(events);
            events.clear();
            return copy;
        }
    }

    long sessionId() {
        return zk.getSessionId();
    }

    @Override
    public void close() throws InterruptedException {
        zk.close();
    }

    static String error(KeeperException e) {
        return "ERR " + e.code();
    }
}
