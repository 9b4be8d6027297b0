package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.replication.PeerStatus;
import dev.corral.server.storage.RocksZnodeStore;
import dev.corral.server.storage.StoreOptions;
import dev.corral.server.storage.ZabLogStore;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.zab.HardState;
import dev.corral.zab.Ready;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: "The zxid counter running out continues without an election". ZooKeeper packs epoch:32 | counter:32 into
 * a zxid, so its 2^32nd write of an epoch forces an election (ZOOKEEPER-2789). Corral's counter is 63 bits and the
 * zxid clients see is the counter (docs/zab.md). An ensemble is started at counter 2^32 - 100 (every member's tree at
 * that zxid and its log restarting there, as after a long life), and stock clients write across 2^32 through every
 * member: no error, no election (same leader, same epoch), zxids in order on every member, and the members agree.
 */
class CounterPast32BitsTest {
    private static final long START = (1L << 32) - 100;

    @TempDir
    Path dir;

    /** A member's data as it is after 2^32 - 100 writes: the tree at that zxid, the log empty after it. */
    private static void seed(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        try (RocksZnodeStore tree = RocksZnodeStore.open(dataDir.resolve("tree"),
                StoreOptions.defaults().withoutWriteAheadLog())) {
            TreeBootstrap.ensure(tree);
            tree.commit(tree.batch().setLastZxid(START), true);
        }
        try (ZabLogStore log = ZabLogStore.open(dataDir.resolve("zablog"))) {
            log.persist(new Ready(new HardState(1, 1), null, null, List.of(), List.of(), List.of()));
        }
    }

    private static ZooKeeper connect(String connect) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertThat(up.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    @Test
    void writesCrossTheThirtyTwoBitBoundaryWithoutAnElection() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3)) {
            for (int id = 1; id <= 3; id++) {
                seed(ensemble.config(id).dataDir());
            }
            ensemble.startAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ensemble.leader() < 0 || !ensemble.allActive()) {
                assertThat(System.nanoTime()).as("an established leader").isLessThan(deadline);
                Thread.sleep(50);
            }
            int leader = ensemble.leader();
            PeerStatus before = ensemble.running[leader].member().peerStatus();

            List<ZooKeeper> clients = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                clients.add(connect(ensemble.connectString(id)));
            }
            List<Long> czxids = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                ZooKeeper zk = clients.get(i % 3);
                Stat stat = new Stat();
                zk.create("/n" + i, new byte[] {(byte) i}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
                czxids.add(stat.getCzxid());
            }
            assertThat(czxids.get(0)).as("the first write's zxid is past the seeded counter").isGreaterThan(START);
            assertThat(czxids.get(czxids.size() - 1)).as("writes went past 2^32").isGreaterThan(0xffffffffL);
            assertThat(czxids).as("zxids strictly increase across the boundary").isSorted().doesNotHaveDuplicates();

            PeerStatus after = ensemble.running[leader].member().peerStatus();
            assertThat(ensemble.leader()).as("the same leader").isEqualTo(leader);
            assertThat(after.epoch()).as("no new epoch, so no election").isEqualTo(before.epoch());

            for (ZooKeeper zk : clients) {
                zk.sync("/", null, null);
                for (int i = 0; i < 240; i++) {
                    Stat stat = zk.exists("/n" + i, false);
                    assertThat(stat).as("/n%d on every member", i).isNotNull();
                    assertThat(stat.getCzxid()).isEqualTo(czxids.get(i));
                    assertThat(stat.getMzxid()).isEqualTo(czxids.get(i));
                }
                zk.close();
            }
        }
    }
}
