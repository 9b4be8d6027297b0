package dev.corral.faults.workload;

import dev.corral.faults.history.Op;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Curator's InterProcessMutex on /lock/mutex; each holder bumps /lock/counter with a versioned setData (a fenced
 * counter), then releases. The incr goes through the raw session, not through Curator's retrying wrappers: a retried
 * versioned write could turn "happened" into BADVERSION, recorded as FAIL, which would be a lie.
 *
 * <p>When Curator reports SUSPENDED or LOST while the thread holds the lock and is between operations, release INFO is
 * recorded at that moment (the holding ends there). When it happens during the incr, the incr's own completion comes
 * first and the release INFO right after it. Any INFO ends this thread's Curator session (its lock node goes with it)
 * and the thread starts again with a new session and process.
 */
public final class LockWorkload extends Workload {
    private static final String MUTEX = "/lock/mutex";
    private static final String COUNTER = "/lock/counter";
    private final Duration acquireTimeout;

    public LockWorkload(Duration acquireTimeout) {
        this.acquireTimeout = acquireTimeout;
    }

    @Override
    public String name() {
        return "lock";
    }

    @Override
    public void setup(ZooKeeper zk) throws Exception {
        super.setup(zk);
        zk.create(COUNTER, Zk.bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    /** What the connection listener and the thread share about the current holding. */
    private static final class Holding {
        boolean holding;
        boolean inOp;
        String lostPending;
        boolean lost;
    }

    @Override
    public void run(Context ctx) {
        try (Client c = ctx.newClient()) {
            while (ctx.running().getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                CuratorFramework cf = CuratorFrameworkFactory.builder().connectString(ctx.connect())
                        .sessionTimeoutMs(ctx.sessionTimeoutMs())
                        .connectionTimeoutMs((int) ctx.opTimeout().toMillis())
                        .retryPolicy(new RetryNTimes(2, 200)).build();
                Holding h = new Holding();
                cf.getConnectionStateListenable().addListener((client, state) -> {
                    if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                        synchronized (h) {
                            if (h.holding && !h.inOp && !h.lost) {
                                c.record(Op.Type.INVOKE, "release", null, null, null);
                                c.record(Op.Type.INFO, "release", null, null, state.name());
                                h.holding = false;
                                h.lost = true;
                            } else if (h.holding && h.inOp) {
                                h.lostPending = state.name();
                            }
                        }
                    }
                }, Runnable::run);
                cf.start();
                c.useSession(() -> {
                    try {
                        return cf.getZookeeperClient().getZooKeeper();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try {
                    rounds(ctx, c, new InterProcessMutex(cf, MUTEX), h);
                } finally {
                    cf.close();
                }
            }
        }
    }

    /** Acquire, incr, release, until stopped or something is unknown (then the caller starts a new session). */
    private void rounds(Context ctx, Client c, InterProcessMutex mutex, Holding h) {
        while (ctx.running().getAsBoolean()) {
            c.record(Op.Type.INVOKE, "acquire", null, null, null);
            boolean got;
            try {
                got = mutex.acquire(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                c.record(Op.Type.INFO, "acquire", null, null, e.getClass().getSimpleName());
                return;
            }
            if (!got) {
                c.record(Op.Type.FAIL, "acquire", null, null, "TIMEOUT");
                ctx.breathe();
                continue;
            }
            synchronized (h) {
                c.record(Op.Type.OK, "acquire", null, null, null);
                h.holding = true;
                if (h.lost) {
                    return;
                }
                h.inOp = true;
            }
            int before = c.process();
            c.op("incr", null, null, zk -> Zk.getData(zk, COUNTER).thenCompose(d -> {
                long v = d.asLong();
                return Zk.setData(zk, COUNTER, v + 1, d.stat().getVersion()).thenApply(s -> v + 1);
            }), v -> v);
            synchronized (h) {
                h.inOp = false;
                if (c.process() != before) {
                    return; // the incr is unknown: this process ended holding; drop the session
                }
                if (h.lostPending != null) {
                    c.record(Op.Type.INVOKE, "release", null, null, null);
                    c.record(Op.Type.INFO, "release", null, null, h.lostPending);
                    return;
                }
                if (h.lost) {
                    return;
                }
                c.record(Op.Type.INVOKE, "release", null, null, null);
                h.holding = false;
            }
            try {
                mutex.release();
                c.record(Op.Type.OK, "release", null, null, null);
            } catch (Exception e) {
                c.record(Op.Type.INFO, "release", null, null, e.getClass().getSimpleName());
                return;
            }
            ctx.breathe();
        }
    }

    @Override
    public boolean finalReads(Client c) {
        // Not in the vocabulary's lock table: the final value of the fenced counter, per member ("read").
        return c.op("read", null, null, zk -> Zk.sync(zk, COUNTER).thenCompose(v -> Zk.getData(zk, COUNTER)),
                Zk.Data::asLong).ok();
    }
}
