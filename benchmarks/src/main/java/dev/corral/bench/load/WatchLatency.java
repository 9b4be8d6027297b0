package dev.corral.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The watch workload: {@code sessions} watchers keep a one-shot getData watch on one node; one writer session
 * (server 0 of the list) sets its data. A round is one write: its time of issue is the start of every watcher's
 * latency, which ends when that watcher's NodeDataChanged arrives. A watcher re-arms by reading the node again; the
 * next write is issued when all have re-armed, so no notification is ever coalesced or missed.
 */
final class WatchLatency {
    private final LoadGen g;
    private final AtomicInteger toRearm = new AtomicInteger();
    private final AtomicLong rounds = new AtomicLong();
    private volatile long writeIssuedNanos;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile String failure;
    private ZooKeeper writer;
    private String path;
    private byte[] data;

    WatchLatency(LoadGen g) {
        this.g = g;
    }

    Result run() throws Exception {
        path = g.root + "/watch";
        data = new byte[Math.max(8, Math.min(g.dataBytes, 1024))];
        new java.util.Random(42).nextBytes(data);
        List<String> writerServer = List.of(g.servers.get(0));
        try (Sessions w = Sessions.open(writerServer, 1, g.sessionTimeoutMs, 30_000);
             Sessions watchers = Sessions.open(g.servers, g.sessions, g.sessionTimeoutMs, 60_000)) {
            writer = w.get(0);
            Fixtures.ensure(writer, g.root, new byte[0]);
            Fixtures.ensure(writer, path, data);
            // Every watcher's server must know the node before its first read.
            for (int i = 0; i < watchers.size(); i++) {
                watchers.get(i).sync(path);
            }
            List<Watch> all = new ArrayList<>();
            toRearm.set(watchers.size());
            for (int i = 0; i < watchers.size(); i++) {
                Watch watch = new Watch(watchers.get(i));
                all.add(watch);
                watch.arm();
            }
            Histogram h;
            double measured;
            Thread watchdog = new Thread(this::watchdog, "loadgen-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            LoadGen.sleep(g.warmup);
            g.latency().getIntervalHistogram();
            g.resetErrors();
            long t0 = System.nanoTime();
            LoadGen.sleep(g.seconds);
            h = g.latency().getIntervalHistogram();
            measured = (System.nanoTime() - t0) / 1e9;
            g.stop();
            if (failure != null) {
                throw new IOException(failure);
            }
            Thread.sleep(200);
            watchdog.interrupt();
            return Result.of("watch", g.label, String.join(",", g.servers), g.sessions, 1, measured, h,
                    g.errorSnapshot());
        }
    }

    private void watchdog() {
        try {
            while (!g.stopping()) {
                Thread.sleep(500);
                if (System.nanoTime() - lastProgressNanos > TimeUnit.SECONDS.toNanos(10)) {
                    failure = "watch round " + rounds.get() + " made no progress for 10 s ("
                            + toRearm.get() + " watchers not re-armed)";
                    g.stop();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called once per watcher re-armed; the last one of a round starts the next. */
    private void rearmed() {
        lastProgressNanos = System.nanoTime();
        if (toRearm.decrementAndGet() == 0 && !g.stopping()) {
            toRearm.set(g.sessions);
            rounds.incrementAndGet();
            ByteBuffer.wrap(data).putLong(0, rounds.get());
            writeIssuedNanos = System.nanoTime();
            writer.setData(path, data, -1, (rc, p, ctx, stat) -> {
                if (rc != 0) {
                    g.error(rc);
                }
            }, null);
        }
    }

    /** One watcher session: reads with a watch; on NodeDataChanged records the latency and reads again. */
    private final class Watch implements Watcher, AsyncCallback.DataCallback {
        private final ZooKeeper zk;

        Watch(ZooKeeper zk) {
            this.zk = zk;
        }

        void arm() {
            zk.getData(path, this, this, null);
        }

        @Override
        public void process(org.apache.zookeeper.WatchedEvent event) {
            if (event.getType() == Event.EventType.NodeDataChanged) {
                g.latency().recordValue(Math.max(0, System.nanoTime() - writeIssuedNanos));
                arm();
            } else if (event.getType() != Event.EventType.None) {
                g.error(-1);
            }
        }

        @Override
        public void processResult(int rc, String p, Object ctx, byte[] bytes, Stat stat) {
            if (rc != 0) {
                g.error(rc);
                return;
            }
            rearmed();
        }
    }
}
