package dev.corral.faults.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;

/** A counter that only grows: add n = one multi of n sequential creates under /counter; read = number of children. */
public final class CounterWorkload extends Workload {
    @Override
    public String name() {
        return "counter";
    }

    @Override
    protected void step(Client c, Random random) {
        if (random.nextInt(4) == 0) {
            read(c);
            return;
        }
        long n = 1 + random.nextInt(5);
        c.op("add", null, n, zk -> {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ops.add(Op.create(root() + "/c-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL));
            }
            return Zk.multi(zk, ops);
        }, results -> n);
    }

    private boolean read(Client c) {
        return c.op("read", null, null, zk -> Zk.sync(zk, root()).thenCompose(v -> Zk.children(zk, root())),
                kids -> (long) kids.size()).ok();
    }

    @Override
    public boolean finalReads(Client c) {
        return read(c);
    }
}
