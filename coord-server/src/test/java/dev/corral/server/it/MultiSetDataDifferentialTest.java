package dev.corral.server.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multis of many setData (LoadGen's MULTI workload, issue 19), compared with ZooKeeper: one node written several
 * times in one multi (the store batch keeps one record per key, the last), data and metadata of a node in one batch
 * beside a delete and re-create of another, and a failing multi after such writes: each node's data, Stat and
 * watch events are ZooKeeper's.
 */
class MultiSetDataDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void tenSetDataOnFewNodesRepeatsNodesInOneMulti() throws Exception {
        Differential.compare(dir, 2, ops -> {
            ops.create(0, "/w", "", CreateMode.PERSISTENT);
            for (int k = 0; k < 4; k++) {
                ops.create(0, "/w/k" + k, "start" + k, CreateMode.PERSISTENT);
                ops.getData(1, "/w/k" + k, true);
            }
            List<Op> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int k = i % 4;
                byte[] data = i == 9 ? null : ("value-" + i + "-" + "x".repeat(i * 37)).getBytes();
                ten.add(Op.setData("/w/k" + k, data, i / 4));
            }
            ops.multi(0, ten);
            ops.events(1);
            for (int k = 0; k < 4; k++) {
                ops.getData(0, "/w/k" + k, false);
            }
            ops.multi(0, List.of(
                    Op.setData("/w/k0", "again".getBytes(), -1),
                    Op.delete("/w/k1", -1),
                    Op.create("/w/k1", "reborn".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.setData("/w/k1", "reborn-set".getBytes(), 0),
                    Op.setData("/w/k0", new byte[0], -1)));
            ops.getData(0, "/w/k0", false);
            ops.getData(0, "/w/k1", false);
            ops.getChildren2(0, "/w", false);
            ops.multi(0, List.of(
                    Op.setData("/w/k2", "lost".getBytes(), -1),
                    Op.setData("/w/k2", "lost too".getBytes(), -1),
                    Op.setData("/w/k3", "wrong version".getBytes(), 99)));
            ops.getData(0, "/w/k2", false);
            ops.getData(0, "/w/k3", false);
        });
    }
}
