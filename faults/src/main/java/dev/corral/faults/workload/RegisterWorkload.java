package dev.corral.faults.workload;

import java.util.Arrays;
import java.util.Random;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Compare-and-set registers on independent keys /register/r0..: read (sync then getData), write (setData, any
 * version), cas (getData, then setData with that version if the value is the expected one). Small values so that
 * cas often succeeds and a checker has something to order. {@code register-nosync} reads without the sync: with
 * ZooKeeper's reads a member cut off from the leader may answer stale values; with Corral's linearizable reads on
 * ({@code --corral-linearizable-reads}) it may not.
 */
public final class RegisterWorkload extends Workload {
    private final int keys;
    private final boolean sync;

    public RegisterWorkload(int keys) {
        this(keys, true);
    }

    public RegisterWorkload(int keys, boolean sync) {
        this.keys = keys;
        this.sync = sync;
    }

    @Override
    public String name() {
        return sync ? "register" : "register-nosync";
    }

    @Override
    public int threads() {
        return 4;
    }

    private String path(String key) {
        return root() + "/" + key;
    }

    @Override
    public void setup(ZooKeeper zk) throws Exception {
        super.setup(zk);
        for (int k = 0; k < keys; k++) {
            zk.create(path("r" + k), Zk.bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    @Override
    protected void step(Client c, Random random) {
        String key = "r" + random.nextInt(keys);
        String path = path(key);
        int choice = random.nextInt(10);
        if (choice < 4) {
            read(c, key);
        } else if (choice < 7) {
            long v = random.nextInt(5);
            c.op("write", key, v, zk -> Zk.setData(zk, path, v, -1), stat -> v);
        } else {
            long expected = random.nextInt(5);
            long next = random.nextInt(5);
            c.op("cas", key, Arrays.asList(expected, next), zk -> Zk.getData(zk, path).thenCompose(d -> {
                Long current = d.asLong();
                if (current == null || current != expected) {
                    throw Outcome.fail("MISMATCH");
                }
                return Zk.setData(zk, path, next, d.stat().getVersion());
            }), stat -> Arrays.asList(expected, next));
        }
    }

    private boolean read(Client c, String key) {
        String path = path(key);
        if (!sync) {
            return c.op("read", key, null, zk -> Zk.getData(zk, path), Zk.Data::asLong).ok();
        }
        return c.op("read", key, null, zk -> Zk.sync(zk, path).thenCompose(v -> Zk.getData(zk, path)), Zk.Data::asLong).ok();
    }

    @Override
    public boolean finalReads(Client c) {
        boolean ok = true;
        for (int k = 0; k < keys; k++) {
            ok &= read(c, "r" + k);
        }
        return ok;
    }
}
