package dev.corral.faults.workload;

import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;

/**
 * A workload in the vocabulary of /work/briefs/vocabulary.md: its znodes under /&lt;name&gt;, the operations its
 * threads run against every member while a nemesis works, and the final reads on each member after every fault has
 * healed.
 */
public abstract class Workload {

    /** What a workload thread gets: its random source, where to connect, timeouts, and when to stop. */
    public record Context(Recorder recorder, String connect, Random random, int sessionTimeoutMs, Duration opTimeout,
            Duration pace, BooleanSupplier running) {
        public Client newClient() {
            return new Client(recorder, connect, sessionTimeoutMs, opTimeout);
        }

        /** A bounded request rate: a random pause of up to twice {@link #pace} between operations. */
        void breathe() {
            long ms = pace.toMillis();
            if (ms > 0) {
                try {
                    Thread.sleep(random.nextLong(2 * ms + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    public abstract String name();

    public String root() {
        return "/" + name();
    }

    /** How many concurrent threads (each with its own session) the workload runs. */
    public int threads() {
        return 3;
    }

    /** Removes what a previous phase left and creates the root; not recorded. */
    public void setup(ZooKeeper zk) throws Exception {
        Zk.deleteTree(zk, root());
        zk.create(root(), new byte[0], org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    /** One thread's life: operations until {@code running} turns false. */
    public void run(Context ctx) {
        try (Client c = ctx.newClient()) {
            while (ctx.running().getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                step(c, ctx.random());
                ctx.breathe();
            }
        }
    }

    /** One operation (the default {@link #run} loop). */
    protected void step(Client c, Random random) {
    }

    /**
     * The final reads through {@code c}, whose session talks to one member only, after every fault has healed and a
     * pause. Each read is recorded like any other operation.
     */
    public abstract boolean finalReads(Client c);

    /**
     * Whether every member's final reads must return the same (after sync, with no writes any more). Not for a
     * destructive final read: the queue's drain empties it through the first member.
     */
    public boolean finalReadsComparable() {
        return true;
    }
}
