package dev.corral.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Leader failover time under write load: sessions keep setData requests in flight against an ensemble (each session
 * given every server, so it can move), and once the file named by --since-file holds a moment (epoch ms, written
 * right after the leader was killed) the probe prints how long after it the first write <em>sent after that
 * moment</em> was acknowledged. A write sent after the kill can only be acknowledged once a new leader has been
 * elected, synchronised a quorum and committed it, so this is the outage a writing client sees.
 *
 * <p>The first figure is the luckiest session's. Each session has its own outage (it may sit on the killed leader, on a
 * member that drops its clients at the leader change, or wait out the stock client's random reconnect delay of up to
 * a second), so the line also gives the median and the last session's time to its first acknowledged write sent
 * after the kill, and how many sessions saw a disconnection.
 *
 * <p>Prints {@code armed} once writes are flowing, then one line: {@code failover_ms longest_gap_ms failed_writes
 * median_session_ms last_session_ms sessions_disconnected}.
 */
@Command(name = "FailoverProbe", mixinStandardHelpOptions = true,
        description = "Prints the ms from --since-file's moment to the first acknowledged write sent after it.")
public final class FailoverProbe implements Callable<Integer> {
    @Option(names = "--connect", required = true, paramLabel = "host:port,...", description = "All servers.")
    String connect;

    @Option(names = "--since-file", required = true)
    Path sinceFile;

    @Option(names = "--sessions", defaultValue = "8")
    int sessions;

    @Option(names = "--outstanding", defaultValue = "16", description = "Writes in flight per session.")
    int outstanding;

    @Option(names = "--data-bytes", defaultValue = "1024")
    int dataBytes;

    @Option(names = "--root", defaultValue = "/corral-failover")
    String root;

    @Option(names = "--timeout-seconds", defaultValue = "300")
    int timeoutSeconds;

    @Option(names = "--session-timeout-ms", defaultValue = "30000")
    int sessionTimeoutMs;

    private final AtomicLong lastAckMs = new AtomicLong();
    private final AtomicLong longestGapMs = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastFailMs = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    /** Earliest acknowledgement of a write sent at or after {@link #since}; Long.MAX_VALUE until one. */
    private final AtomicLong firstAckAfter = new AtomicLong(Long.MAX_VALUE);
    /** Per session: its own first such acknowledgement, and whether it was disconnected after the kill. */
    private AtomicLongArray sessionBack;
    private AtomicIntegerArray disconnected;
    private volatile long since = Long.MAX_VALUE;
    /** Set once writes flow; a disconnection after it is the kill's (the moment itself is read from a file later). */
    private volatile boolean armed;
    private volatile boolean running = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FailoverProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<ZooKeeper> handles = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        try {
            CountDownLatch connected = new CountDownLatch(sessions);
            sessionBack = new AtomicLongArray(sessions);
            disconnected = new AtomicIntegerArray(sessions);
            for (int i = 0; i < sessions; i++) {
                sessionBack.set(i, Long.MAX_VALUE);
                int session = i;
                handles.add(new ZooKeeper(connect, sessionTimeoutMs, e -> {
                    if (e.getType() != Watcher.Event.EventType.None) {
                        return;
                    }
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    } else if (e.getState() == Watcher.Event.KeeperState.Disconnected && armed) {
                        disconnected.set(session, 1);
                    }
                }));
            }
            if (!connected.await(60, TimeUnit.SECONDS)) {
                System.err.println("FailoverProbe: sessions did not connect to " + connect);
                return 2;
            }
            byte[] data = new byte[dataBytes];
            Fixtures.ensure(handles.get(0), root, new byte[0]);
            for (int i = 0; i < sessions; i++) {
                String path = root + "/n" + i;
                try {
                    handles.get(0).create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                } catch (KeeperException.NodeExistsException e) {
                    // left by an earlier run
                }
                ZooKeeper zk = handles.get(i);
                int session = i;
                Thread t = new Thread(() -> write(zk, session, path, data), "writer-" + i);
                t.setDaemon(true);
                writers.add(t);
                t.start();
            }
            long warm = acked.get();
            Thread.sleep(2000);
            if (acked.get() == warm) {
                System.err.println("FailoverProbe: no write acknowledged in 2 s of warm-up");
                return 2;
            }
            armed = true;
            System.out.println("armed");
            System.out.flush();

            long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
            while (!Files.exists(sinceFile) && System.currentTimeMillis() < deadline) {
                Thread.sleep(2);
            }
            if (!Files.exists(sinceFile)) {
                return 3;
            }
            // Between the kill and the file being readable the writers keep recording gaps; the moment itself is
            // taken from the file.
            since = Long.parseLong(Files.readString(sinceFile).trim());
            while (firstAckAfter.get() == Long.MAX_VALUE && System.currentTimeMillis() < deadline) {
                Thread.sleep(2);
            }
            if (firstAckAfter.get() == Long.MAX_VALUE) {
                return 3;
            }
            // Let the load settle so that the longest gap covers the whole outage, and every session come back.
            long[] back = new long[sessions];
            for (int i = 0; i < sessions; i++) {
                while (sessionBack.get(i) == Long.MAX_VALUE && System.currentTimeMillis() < deadline) {
                    Thread.sleep(2);
                }
                back[i] = sessionBack.get(i) - since;
            }
            Thread.sleep(1000);
            Arrays.sort(back);
            int lost = 0;
            for (int i = 0; i < sessions; i++) {
                lost += disconnected.get(i);
            }
            System.out.printf(Locale.ROOT, "%d %d %d %d %d %d%n", firstAckAfter.get() - since, longestGapMs.get(),
                    failed.get(), back[(sessions - 1) / 2], back[sessions - 1], lost);
            return 0;
        } finally {
            running = false;
            for (ZooKeeper zk : handles) {
                zk.close(500);
            }
        }
    }

    private void write(ZooKeeper zk, int session, String path, byte[] data) {
        Semaphore window = new Semaphore(outstanding);
        while (running) {
            try {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            long sent = System.currentTimeMillis();
            if (sent - lastFailMs.get() < 10) {
                // A lost connection fails every request in flight at once; do not spin against it.
                window.release();
                sleepQuietly(5);
                continue;
            }
            zk.setData(path, data, -1, (rc, p, ctx, stat) -> {
                long now = System.currentTimeMillis();
                window.release();
                if (rc != KeeperException.Code.OK.intValue()) {
                    failed.incrementAndGet();
                    lastFailMs.set(now);
                    return;
                }
                acked.incrementAndGet();
                long prev = lastAckMs.getAndAccumulate(now, Math::max);
                if (prev > 0 && now - prev > longestGapMs.get()) {
                    longestGapMs.accumulateAndGet(now - prev, Math::max);
                }
                if (sent >= since) {
                    firstAckAfter.accumulateAndGet(now, Math::min);
                    sessionBack.accumulateAndGet(session, now, Math::min);
                }
            }, null);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
