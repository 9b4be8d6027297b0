package dev.corral.faults.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;

/**
 * A queue: enqueue = sequential create with the element as data; dequeue = take the smallest child with
 * multi(check its version, delete it); at the end every member's remaining elements are drained. A dequeue whose
 * outcome is unknown is recorded INFO with the element it tried to take (the vocabulary's rule).
 */
public final class TotalQueueWorkload extends Workload {
    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return "total-queue";
    }

    @Override
    protected void step(Client c, Random random) {
        if (random.nextInt(5) < 3) {
            long e = next.getAndIncrement();
            c.op("enqueue", null, e, zk -> Zk.create(zk, root() + "/q-", Zk.bytes(e),
                    CreateMode.PERSISTENT_SEQUENTIAL), name -> e);
        } else {
            dequeue(c, "dequeue");
        }
    }

    /** One dequeue; returns whether the queue was empty (FAIL EMPTY). */
    private boolean dequeue(Client c, String f) {
        long[] taking = {-1};
        Client.Done<Long> d = c.op(f, null, null, zk -> Zk.children(zk, root()).thenCompose(kids -> {
            if (kids.isEmpty()) {
                throw Outcome.fail("EMPTY");
            }
            String child = root() + "/" + kids.stream().sorted().findFirst().orElseThrow();
            return Zk.getData(zk, child).thenCompose(data -> {
                long e = Long.parseLong(new String(data.bytes(), StandardCharsets.US_ASCII));
                taking[0] = e;
                CompletableFuture<Long> out = new CompletableFuture<>();
                Zk.multi(zk, List.of(Op.check(child, data.stat().getVersion()), Op.delete(child, -1)))
                        .whenComplete((r, err) -> {
                            if (err == null) {
                                out.complete(e);
                            } else if (err instanceof KeeperException ke && (ke.code() == KeeperException.Code.NONODE
                                    || ke.code() == KeeperException.Code.BADVERSION)) {
                                out.completeExceptionally(err);   // another consumer took it: FAIL
                            } else {
                                out.completeExceptionally(Outcome.info(err instanceof KeeperException ke
                                        ? ke.code().name() : err.getClass().getSimpleName(), e));
                            }
                        });
                return out;
            });
        }), e -> e);
        return !d.ok() && lastWasEmpty(c);
    }

    private static boolean lastWasEmpty(Client c) {
        List<dev.corral.faults.history.Op> ops = c.recorder().history().ops();
        dev.corral.faults.history.Op last = ops.get(ops.size() - 1);
        return "EMPTY".equals(last.error());
    }

    @Override
    public boolean finalReadsComparable() {
        return false;
    }

    @Override
    public boolean finalReads(Client c) {
        // drain: dequeue until EMPTY, recorded as one "drain" op with every element taken
        List<Long> drained = new ArrayList<>();
        String root = root();
        return c.op("drain", null, null, zk -> drain(zk, root, drained), x -> new ArrayList<Object>(drained)).ok();
    }

    private static CompletableFuture<Object> drain(org.apache.zookeeper.ZooKeeper zk, String root, List<Long> out) {
        return Zk.sync(zk, root).thenCompose(v -> Zk.children(zk, root)).thenCompose(kids -> {
            if (kids.isEmpty()) {
                return CompletableFuture.completedFuture((Object) out);
            }
            String child = root + "/" + kids.stream().sorted().findFirst().orElseThrow();
            return Zk.getData(zk, child).thenCompose(data -> Zk.multi(zk, List.of(
                    Op.check(child, data.stat().getVersion()), Op.delete(child, -1))).thenCompose(r -> {
                        out.add(Long.parseLong(new String(data.bytes(), StandardCharsets.US_ASCII)));
                        return drain(zk, root, out);
                    }));
        });
    }
}
