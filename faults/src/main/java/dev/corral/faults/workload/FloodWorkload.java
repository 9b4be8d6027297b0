package dev.corral.faults.workload;

import dev.corral.faults.history.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Writes as fast as the overload nemesis asks: keys /flood/k0..k999 (1 KB each), each of the four threads (one
 * session each) owning the keys k % 4 == t and writing strictly increasing values to them with setData(-1).
 * Writes are pipelined (the asynchronous API): each is its own history process, invoked once and completed once.
 * Switch off: a paced closed loop. Switch on: {@link LoadSwitch#MEASURE} of saturation (64 in flight per thread) to
 * measure capacity, then {@link LoadSwitch#FACTOR} times that, open loop, with at most
 * {@link LoadSwitch#MAX_OUTSTANDING} writes in flight in this JVM. Final reads: every key, after sync.
 */
public final class FloodWorkload extends Workload {
    static final int KEYS = 1000;
    private static final int THREADS = 4;
    private static final int SATURATION_IN_FLIGHT = 64;
    private static final int VALUE_BYTES = 1024;
    private static final Set<Code> DEFINITE = Set.of(Code.NONODE, Code.BADVERSION, Code.BADARGUMENTS, Code.NOAUTH);

    private final AtomicInteger nextThread = new AtomicInteger();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile LoadSwitch loadSwitch = new LoadSwitch();

    @Override
    public String name() {
        return "flood";
    }

    @Override
    public int threads() {
        return THREADS;
    }

    /** Lets the overload nemesis drive this workload (else the switch stays off: paced load only). */
    public void drivenBy(LoadSwitch s) {
        this.loadSwitch = s;
    }

    /** A decimal value padded with spaces to 1 KB: readers trim it. */
    static byte[] padded(long v) {
        byte[] b = new byte[VALUE_BYTES];
        Arrays.fill(b, (byte) ' ');
        byte[] digits = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, b, 0, digits.length);
        return b;
    }

    @Override
    public void setup(ZooKeeper zk) throws Exception {
        super.setup(zk);
        CountDownLatch done = new CountDownLatch(KEYS);
        AtomicInteger failed = new AtomicInteger();
        for (int k = 0; k < KEYS; k++) {
            zk.create(root() + "/k" + k, padded(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, p, c, n) -> {
                        if (rc != 0) {
                            failed.incrementAndGet();
                        }
                        done.countDown();
                    }, null);
        }
        if (!done.await(60, TimeUnit.SECONDS) || failed.get() > 0) {
            throw new IOException("flood setup: " + failed.get() + " of " + KEYS + " creates failed or timed out");
        }
    }

    @Override
    public void run(Context ctx) {
        new Flooder(ctx, nextThread.getAndIncrement() % THREADS).run();
    }

    @Override
    public boolean finalReads(Client c) {
        boolean ok = true;
        for (int k = 0; k < KEYS && ok; k++) {
            String path = root() + "/k" + k;
            ok = c.op("read", "k" + k, null, zk -> Zk.sync(zk, path).thenCompose(v -> Zk.getData(zk, path)),
                    Zk.Data::asLong).ok();
        }
        return ok;
    }

    /** One write: its own process, completed exactly once (by its callback or, past the op timeout, as INFO). */
    private final class Write {
        final Recorder rec;
        final int process;
        final String key;
        final long value;
        final long invokedAt = System.nanoTime();
        final AtomicBoolean done = new AtomicBoolean();
        final CountDownLatch completed = new CountDownLatch(1);
        final Runnable whenDone;

        Write(Recorder rec, String key, long value, Runnable whenDone) {
            this.rec = rec;
            this.process = rec.newProcess();
            this.key = key;
            this.value = value;
            this.whenDone = whenDone;
            rec.history().record(process, Op.Type.INVOKE, "write", key, value, null);
        }

        boolean complete(Op.Type type, String error) {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            rec.history().record(process, type, "write", key, value, error);
            completed.countDown();
            if (whenDone != null) {
                whenDone.run();
            }
            return true;
        }
    }

    /** One flood thread: its session, its keys and their next values, its writes in flight (in issue order). */
    private final class Flooder {
        private final Context ctx;
        private final int thread;
        private final List<Integer> keys = new ArrayList<>();
        private final long[] next;
        private final ConcurrentLinkedQueue<Write> inFlight = new ConcurrentLinkedQueue<>();
        private final AtomicLong oks = new AtomicLong();
        private int cursor;
        private ZooKeeper zk;

        Flooder(Context ctx, int thread) {
            this.ctx = ctx;
            this.thread = thread;
            for (int k = thread; k < KEYS; k += THREADS) {
                keys.add(k);
            }
            next = new long[keys.size()];
            Arrays.fill(next, 1);
        }

        void run() {
            try {
                while (ctx.running().getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                    expire();
                    if (loadSwitch.on()) {
                        overload(loadSwitch.epoch());
                    } else {
                        Write w = issue(null);
                        await(w);
                        ctx.breathe();
                    }
                }
                // what is still in flight gets up to the op timeout, then is INFO
                while (!inFlight.isEmpty()) {
                    expire();
                    sleepMs(50);
                }
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

        private ZooKeeper session() throws IOException {
            if (zk == null || !zk.getState().isAlive()) {
                if (zk != null) {
                    try {
                        zk.close(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                zk = new ZooKeeper(ctx.connect(), ctx.sessionTimeoutMs(), e -> { });
            }
            return zk;
        }

        /** Invokes the next write, round-robin over this thread's keys; does not wait for it. */
        private Write issue(Runnable whenDone) {
            int i = cursor;
            cursor = (cursor + 1) % keys.size();
            long v = next[i]++;
            String key = "k" + keys.get(i);
            Write w = new Write(ctx.recorder(), key, v, whenDone);
            inFlight.add(w);
            outstanding.incrementAndGet();
            try {
                session().setData(root() + "/" + key, padded(v), -1, (rc, p, c, stat) -> {
                    outstanding.decrementAndGet();
                    if (rc == 0) {
                        if (w.complete(Op.Type.OK, null)) {
                            oks.incrementAndGet();
                        }
                    } else {
                        Code code = Code.get(rc);
                        w.complete(DEFINITE.contains(code) ? Op.Type.FAIL : Op.Type.INFO, code.name());
                    }
                }, null);
            } catch (IOException | RuntimeException e) {
                outstanding.decrementAndGet();
                w.complete(Op.Type.INFO, e.getClass().getSimpleName());   // nothing sent, but INFO is always safe
            }
            return w;
        }

        private void await(Write w) {
            try {
                w.completed.await(ctx.opTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            expire();
        }

        /** Writes past the op timeout become INFO (a late reply is then ignored); done ones leave the queue. */
        private void expire() {
            long limit = System.nanoTime() - ctx.opTimeout().toNanos();
            for (Write w = inFlight.peek(); w != null; w = inFlight.peek()) {
                if (!w.done.get() && w.invokedAt - limit > 0) {
                    break;
                }
                w.complete(Op.Type.INFO, "TIMEOUT");
                inFlight.poll();
            }
        }

        private boolean overloading(int epoch) {
            return loadSwitch.on() && loadSwitch.epoch() == epoch && ctx.running().getAsBoolean();
        }

        /** Saturate to measure capacity, then offer ten times it until the switch turns off. */
        private void overload(int epoch) {
            Semaphore slots = new Semaphore(SATURATION_IN_FLIGHT);
            long start = System.nanoTime();
            long okBefore = oks.get();
            while (overloading(epoch) && System.nanoTime() - start < LoadSwitch.MEASURE.toNanos()) {
                try {
                    if (slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        issue(slots::release);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                expire();
            }
            if (!overloading(epoch)) {
                return;
            }
            double capacity = (oks.get() - okBefore) / ((System.nanoTime() - start) / 1e9);
            loadSwitch.reportCapacity(epoch, THREADS, capacity);
            long interval = (long) (1e9 / (LoadSwitch.FACTOR * Math.max(1, capacity)));
            long due = System.nanoTime();
            while (overloading(epoch)) {
                long now = System.nanoTime();
                for (int burst = 0; due - now <= 0 && burst < 1000; burst++, due += interval) {
                    if (outstanding.get() >= LoadSwitch.MAX_OUTSTANDING) {
                        loadSwitch.shedOne();
                    } else {
                        issue(null);
                    }
                }
                if (now - due > 1_000_000_000L) {
                    // this thread itself fell a second behind its timer: what it could not even offer is shed too
                    for (; now - due > 0; due += interval) {
                        loadSwitch.shedOne();
                    }
                }
                expire();
                long wait = Math.min(due - System.nanoTime(), 1_000_000L);
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }

        private void sleepMs(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
