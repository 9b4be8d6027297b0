package dev.corral.server.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** multi and multiRead, compared with ZooKeeper: results, rollback of every op type, watches. */
class MultiDifferentialTest {
    /** Where the scenarios run: one Corral server here; a subclass runs them on an ensemble. */
    protected void compare(Path dir, int clients, Differential.Scenario scenario) throws Exception {
        Differential.compare(dir, clients, scenario);
    }

    @TempDir
    Path dir;

    private static List<Op> fiveOps() {
        List<Op> ops = new ArrayList<>();
        ops.add(Op.create("/m/new", "n".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        ops.add(Op.create("/m/seq", "s".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
        ops.add(Op.setData("/m/a", "changed".getBytes(), 0));
        ops.add(Op.check("/m/b", 0));
        ops.add(Op.delete("/m/b", 0));
        return ops;
    }

    /** Each failing op type at each position: the same results, and nothing changed or fired. */
    @ParameterizedTest(name = "failure at op {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void failureAtEveryPositionRollsBackEverything(int position) throws Exception {
        compare(dir, 2, ops -> {
            ops.create(0, "/m", "", CreateMode.PERSISTENT);
            ops.create(0, "/m/a", "a", CreateMode.PERSISTENT);
            ops.create(0, "/m/b", "b", CreateMode.PERSISTENT);
            ops.getData(1, "/m/a", true);
            ops.getChildren(1, "/m", true);
            ops.exists(1, "/m/new", true);
            List<Op> list = fiveOps();
            Op failing = switch (position) {
                case 0 -> Op.create("/m/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                case 1 -> Op.create("/nope/x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                case 2 -> Op.setData("/m/a", null, 7);
                case 3 -> Op.check("/m/a", 3);
                case 4 -> Op.delete("/m/new", 5);
                default -> Op.delete("/m", -1);
            };
            list.add(Math.min(position, list.size()), failing);
            ops.multi(0, list);
            ops.events(1);
            ops.getChildren2(0, "/m", false);
            ops.getData(0, "/m/a", false);
            ops.exists(0, "/m/b", false);
            // the sequence counter was not advanced by the rolled-back create
            ops.create(0, "/m/seq", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.multi(0, fiveOps());
            ops.events(1);
            ops.getChildren2(0, "/m", false);
        });
    }

    /** Null data (jute length -1) in a multi's creates and setData reads back null; empty data stays empty. */
    @Test
    void nullDataInsideMulti() throws Exception {
        compare(dir, 1, ops -> {
            ops.create(0, "/mn", "x", CreateMode.PERSISTENT);
            ops.multi(0, List.of(
                    Op.create("/mn/null", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.create("/mn/empty", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.setData("/mn", null, 0),
                    Op.create("/mn/later", "y".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.setData("/mn/later", null, -1),
                    Op.setData("/mn/empty", new byte[0], -1)));
            ops.getData(0, "/mn", false);
            ops.getData(0, "/mn/null", false);
            ops.getData(0, "/mn/empty", false);
            ops.getData(0, "/mn/later", false);
            ops.multiRead(0, List.of(Op.getData("/mn/null"), Op.getData("/mn/empty"), Op.getData("/mn")));
        });
    }

    @Test
    void opsSeeEachOtherAndShareOneZxid() throws Exception {
        compare(dir, 2, ops -> {
            ops.exists(1, "/t", true);
            ops.multi(0, List.of(
                    Op.create("/t", "1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.create("/t/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.setData("/t", "2".getBytes(), 0),
                    Op.check("/t", 1),
                    Op.delete("/t/c", 0),
                    Op.create("/t/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.create("/t/d", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER)));
            ops.events(1);
            ops.getChildren2(0, "/t", false);
            ops.multi(0, List.of());
            ops.multi(0, List.of(Op.check("/t", -1), Op.check("/missing", -1)));
            ops.multi(0, List.of(Op.create("/t/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.create("/t/e/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
            ops.multi(0, List.of(Op.delete("/t", -1)));
        });
    }

    @Test
    void multiReadIsNotAtomic() throws Exception {
        compare(dir, 1, ops -> {
            ops.create(0, "/r", "x", CreateMode.PERSISTENT);
            ops.create(0, "/r/k", "y", CreateMode.PERSISTENT);
            ops.multiRead(0, List.of(Op.getData("/r"), Op.getChildren("/missing"), Op.getChildren("/r"),
                    Op.getData("/r/k")));
        });
    }
}
