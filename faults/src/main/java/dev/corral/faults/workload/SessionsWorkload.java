package dev.corral.faults.workload;

import dev.corral.faults.history.Op;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Sessions and their ephemerals: each process opens a session, creates /sessions/e-&lt;sessionIdHex&gt;, then checks
 * that its ephemeral exists and writes /sessions/data through it, until the session expires (recorded the moment
 * the handle sees Expired) or the thread closes it to start another. The final read lists the ephemerals left.
 */
public final class SessionsWorkload extends Workload {
    @Override
    public String name() {
        return "sessions";
    }

    @Override
    public void setup(ZooKeeper zk) throws Exception {
        super.setup(zk);
        zk.create(root() + "/data", Zk.bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @Override
    public void run(Context ctx) {
        Client c = ctx.newClient();
        while (ctx.running().getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            oneSession(ctx, c);
            c.newProcess();
        }
    }

    /** One session's life under one process number. */
    private void oneSession(Context ctx, Client c) {
        AtomicBoolean expired = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> hexRef = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch connected = new CountDownLatch(1);
        c.record(Op.Type.INVOKE, "open", null, null, null);
        ZooKeeper zk;
        int process = c.process();
        try {
            zk = new ZooKeeper(ctx.connect(), ctx.sessionTimeoutMs(), e -> {
                switch (e.getState()) {
                    case SyncConnected -> connected.countDown();
                    case Expired -> {
                        if (expired.compareAndSet(false, true)) {
                            synchronized (c) {
                                // the pair is this session's process's, whatever the thread is doing
                                c.recorder().history().record(process, Op.Type.INVOKE, "expired", hexRef.get(), null, null);
                                c.recorder().history().record(process, Op.Type.OK, "expired", hexRef.get(), null, null);
                            }
                        }
                    }
                    default -> { }
                }
            });
        } catch (IOException e) {
            c.record(Op.Type.INFO, "open", null, null, "IOException");
            return;
        }
        try {
            if (!connected.await(ctx.opTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                c.record(Op.Type.INFO, "open", null, null, "TIMEOUT");
                return;
            }
            String hex = Long.toHexString(zk.getSessionId());
            c.record(Op.Type.OK, "open", null, hex, null);
            c.useSession(() -> zk);
            hexRef.set(hex);
            String own = root() + "/e-" + hex;
            if (!c.op("create-ephemeral", hex, null, z -> Zk.create(z, own, new byte[0], CreateMode.EPHEMERAL),
                    p -> p).ok()) {
                return;
            }
            int rounds = 10 + ctx.random().nextInt(30);
            for (int i = 0; i < rounds && ctx.running().getAsBoolean() && !expired.get(); i++) {
                int before = c.process();
                if (ctx.random().nextBoolean()) {
                    c.op("check-own", hex, null, z -> exists(z, own), s -> s != null);
                } else {
                    long v = ctx.random().nextInt(1000);
                    c.op("write", hex, v, z -> Zk.setData(z, root() + "/data", v, -1), s -> v);
                }
                if (c.process() != before) {
                    return;   // unknown outcome: this process is done; a new session for the next
                }
                ctx.breathe();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.useSession(null);
            try {
                zk.close(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static java.util.concurrent.CompletableFuture<Stat> exists(ZooKeeper zk, String path) {
        java.util.concurrent.CompletableFuture<Stat> f = new java.util.concurrent.CompletableFuture<>();
        zk.exists(path, false, (rc, p, ctx, stat) -> {
            if (rc == 0 || rc == org.apache.zookeeper.KeeperException.Code.NONODE.intValue()) {
                f.complete(stat);
            } else {
                f.completeExceptionally(org.apache.zookeeper.KeeperException.create(
                        org.apache.zookeeper.KeeperException.Code.get(rc), p));
            }
        }, null);
        return f;
    }

    @Override
    public boolean finalReadsComparable() {
        return false;   // ephemerals of sessions that are still closing may be seen by one member and not the next
    }

    @Override
    public boolean finalReads(Client c) {
        String root = root();
        return c.op("final-ephemerals", null, null, zk -> Zk.sync(zk, root).thenCompose(v -> Zk.children(zk, root)),
                kids -> {
                    List<Object> out = new ArrayList<>();
                    kids.stream().filter(k -> k.startsWith("e-")).sorted().forEach(out::add);
                    return out;
                }).ok();
    }
}
