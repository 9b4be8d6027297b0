package dev.corral.faults.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;

/** A grow-only set: add = create /set/e-&lt;element&gt;, every element unique; read the children at the end. */
public final class SetWorkload extends Workload {
    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return "set";
    }

    @Override
    protected void step(Client c, Random random) {
        long e = next.getAndIncrement();
        String path = root() + "/e-" + String.format("%019d", e);
        c.op("add", null, e, zk -> Zk.create(zk, path, new byte[0], CreateMode.PERSISTENT), name -> e);
    }

    @Override
    public boolean finalReads(Client c) {
        return c.op("read", null, null, zk -> Zk.sync(zk, root()).thenCompose(v -> Zk.children(zk, root())), kids -> {
            List<Long> out = new ArrayList<>();
            for (String k : kids) {
                out.add(Long.parseLong(k.substring("e-".length())));
            }
            out.sort(null);
            return out;
        }).ok();
    }
}
