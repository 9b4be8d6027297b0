package dev.corral.faults.workload;

import dev.corral.faults.history.Op;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Watches: writer threads setData /watches/w&lt;k&gt; (the ok value carries the write's mzxid); one watching thread
 * holds a persistent recursive watch on /watches and records every notification [type, path, zxid], and its
 * disconnections and reconnections, as INVOKE+OK pairs of its process. A new session (after expiry) is a new
 * process with a new watch.
 */
public final class WatchesWorkload extends Workload {
    private static final int KEYS = 4;

    @Override
    public String name() {
        return "watches";
    }

    @Override
    public int threads() {
        return 3;   // thread 0 watches, the others write
    }

    @Override
    public void setup(ZooKeeper zk) throws Exception {
        super.setup(zk);
        for (int k = 0; k < KEYS; k++) {
            zk.create(root() + "/w" + k, Zk.bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void run(Context ctx) {
        if (started.getAndIncrement() == 0) {
            watch(ctx);
        } else {
            super.run(ctx);
        }
    }

    @Override
    protected void step(Client c, Random random) {
        String key = "w" + random.nextInt(KEYS);
        long v = random.nextInt(1_000_000);
        c.op("write", key, v, zk -> Zk.setData(zk, root() + "/" + key, v, -1), stat -> Arrays.asList(v,
                stat.getMzxid()));
    }

    /** The watching thread: one session (and process) after another, until the phase ends. */
    private void watch(Context ctx) {
        Recorder rec = ctx.recorder();
        while (ctx.running().getAsBoolean()) {
            int process = rec.newProcess();
            java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);
            Watcher w = e -> {
                synchronized (rec) {
                    if (e.getType() != Watcher.Event.EventType.None) {
                        rec.history().record(process, Op.Type.INVOKE, "event", null, null, null);
                        rec.history().record(process, Op.Type.OK, "event", null,
                                Arrays.asList(e.getType().name(), e.getPath(), e.getZxid()), null);
                    } else if (e.getState() == Watcher.Event.KeeperState.Disconnected) {
                        pair(rec, process, "disconnected");
                    } else if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        pair(rec, process, "reconnected");
                    } else if (e.getState() == Watcher.Event.KeeperState.Expired) {
                        gone.countDown();
                    }
                }
            };
            ZooKeeper zk = null;
            try {
                zk = new ZooKeeper(ctx.connect(), ctx.sessionTimeoutMs(), w);
                zk.addWatch(root(), w, AddWatchMode.PERSISTENT_RECURSIVE);
                while (ctx.running().getAsBoolean() && !gone.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // events arrive on the client's event thread
                }
            } catch (IOException | org.apache.zookeeper.KeeperException e) {
                sleep(500);   // could not set the watch (no quorum yet): another session, another process
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                if (zk != null) {
                    try {
                        zk.close(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private static void pair(Recorder rec, int process, String f) {
        rec.history().record(process, Op.Type.INVOKE, f, null, null, null);
        rec.history().record(process, Op.Type.OK, f, null, null, null);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean finalReads(Client c) {
        boolean ok = true;
        for (int k = 0; k < KEYS; k++) {
            String path = root() + "/w" + k;
            ok &= c.op("read", "w" + k, null, zk -> Zk.sync(zk, path).thenCompose(v -> Zk.getData(zk, path)),
                    Zk.Data::asLong).ok();
        }
        return ok;
    }
}
