package dev.corral.faults.workload;

import java.util.Random;
import org.apache.zookeeper.CreateMode;

/** Sequential creates /unique-ids/id-NNNNNNNNNN: no name may be returned to two acknowledged generates. */
public final class UniqueIdsWorkload extends Workload {
    @Override
    public String name() {
        return "unique-ids";
    }

    @Override
    protected void step(Client c, Random random) {
        c.op("generate", null, null, zk -> Zk.create(zk, root() + "/id-", new byte[0],
                CreateMode.PERSISTENT_SEQUENTIAL), name -> name);
    }

    @Override
    public boolean finalReads(Client c) {
        // Nothing to read for the checker; a sync through each member shows it serves.
        return c.op("read", null, null, zk -> Zk.sync(zk, root()).thenCompose(v -> Zk.children(zk, root())),
                kids -> (long) kids.size()).ok();
    }
}
