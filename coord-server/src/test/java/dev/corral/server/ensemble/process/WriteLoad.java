package dev.corral.server.ensemble.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Stock clients creating {@code /load/w<writer>-<n>} asynchronously, a bounded number outstanding per client, the
 * clients spread over the three servers (writer w starts on server w % 3 + 1, the others as fallbacks).
 */
final class WriteLoad implements AutoCloseable {
    private final List<ZooKeeper> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    final Set<String> attempted = ConcurrentHashMap.newKeySet();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final Map<KeeperException.Code, AtomicInteger> errors = new ConcurrentHashMap<>();
    /** Issue time (nanoTime) of every request in flight, by path. */
    private final Map<String, Long> issuedAt = new ConcurrentHashMap<>();
    private volatile long mark = Long.MAX_VALUE;
    private final AtomicLong firstAckAfterMark = new AtomicLong(Long.MAX_VALUE);
    /** When each writer's creates were acknowledged (nanoTime), for the longest gap around a mark. */
    private final List<java.util.Queue<Long>> ackTimes = new ArrayList<>();
    private final boolean owned;

    WriteLoad(ProcessEnsemble ensemble, String parent, int writers, int maxOutstanding, int sessionTimeoutMs)
            throws Exception {
        this(clientsFor(ensemble, writers, sessionTimeoutMs), parent, maxOutstanding, true);
    }

    private static List<ZooKeeper> clientsFor(ProcessEnsemble ensemble, int writers, int sessionTimeoutMs)
            throws Exception {
        List<ZooKeeper> out = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            out.add(ensemble.clientPreferring(w % ProcessEnsemble.SIZE + 1, sessionTimeoutMs, null));
        }
        return out;
    }

    /** One writer per client in {@code given}; {@code owned}: {@link #stop} closes them. */
    WriteLoad(List<ZooKeeper> given, String parent, int maxOutstanding, boolean owned) {
        this.owned = owned;
        for (int w = 0; w < given.size(); w++) {
            ZooKeeper zk = given.get(w);
            clients.add(zk);
            Semaphore window = new Semaphore(maxOutstanding);
            String prefix = parent + "/w" + w + "-";
            java.util.Queue<Long> acks = new java.util.concurrent.ConcurrentLinkedQueue<>();
            ackTimes.add(acks);
            Thread t = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    try {
                        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            n--;
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    String path = prefix + n;
                    attempted.add(path);
                    issuedAt.put(path, System.nanoTime());
                    zk.create(path, path.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> {
                                long now = System.nanoTime();
                                Long issued = issuedAt.remove(p);
                                if (rc == KeeperException.Code.OK.intValue()) {
                                    acknowledged.add(p);
                                    acks.add(now);
                                    if (issued != null && issued >= mark) {
                                        firstAckAfterMark.accumulateAndGet(now, Math::min);
                                    }
                                } else {
                                    errors.computeIfAbsent(KeeperException.Code.get(rc), c -> new AtomicInteger())
                                            .incrementAndGet();
                                }
                                window.release();
                            }, null);
                    if (stop.get()) {
                        break;
                    }
                }
            }, "writer-" + w);
            threads.add(t);
        }
    }

    WriteLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** From now on, remember the first acknowledgement of a create issued after this call. */
    void mark(long nanoTime) {
        firstAckAfterMark.set(Long.MAX_VALUE);
        mark = nanoTime;
    }

    /** nanoTime of the first acknowledged create issued after {@link #mark}, or Long.MAX_VALUE. */
    long firstAckAfterMark() {
        return firstAckAfterMark.get();
    }

    /**
     * The longest time without an acknowledgement between {@code from} and {@code from + windowMs} (nanoTimes), over
     * every writer together, then for each writer alone (writer w prefers server w % 3 + 1). Milliseconds.
     */
    long[] longestGaps(long from, long windowMs) {
        long[] out = new long[ackTimes.size() + 1];
        List<Long> all = new ArrayList<>();
        for (int w = 0; w < ackTimes.size(); w++) {
            List<Long> mine = new ArrayList<>(ackTimes.get(w));
            all.addAll(mine);
            out[w + 1] = longestGap(mine, from, from + TimeUnit.MILLISECONDS.toNanos(windowMs));
        }
        out[0] = longestGap(all, from, from + TimeUnit.MILLISECONDS.toNanos(windowMs));
        return out;
    }

    private static long longestGap(List<Long> times, long from, long to) {
        List<Long> in = times.stream().filter(t -> t >= from && t <= to).sorted().toList();
        long longest = 0;
        long previous = from;
        for (long t : in) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return TimeUnit.NANOSECONDS.toMillis(Math.max(longest, to - previous));
    }

    /** Creates issued and not answered yet. */
    Set<String> outstanding() {
        return issuedAt.keySet();
    }

    /**
     * Stops issuing, waits for outstanding replies (they end in a result or a connection loss), closes the clients
     * it owns.
     */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!issuedAt.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        close();
    }

    @Override
    public void close() {
        stop.set(true);
        for (ZooKeeper zk : owned ? clients : List.<ZooKeeper>of()) {
            try {
                zk.close(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.clear();
    }
}
