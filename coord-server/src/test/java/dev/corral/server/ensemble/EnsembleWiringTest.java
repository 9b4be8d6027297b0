package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.it.ServersAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three in-process servers: writes through any server, reads everywhere, and a leader failover. */
class EnsembleWiringTest {
    @TempDir
    Path dir;

    @Test
    void writesThroughAnyServerAreSeenEverywhereAndSurviveLeaderLoss() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3)) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leader() > 0);
            int leader = ensemble.leader();
            List<ZooKeeper> clients = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                clients.add(ServersAccess.connect(ensemble.connectString(id), 8000));
            }
            for (int id = 1; id <= 3; id++) {
                ZooKeeper zk = clients.get(id - 1);
                assertThat(zk.create("/via" + id, ("from " + id).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT)).isEqualTo("/via" + id);
                assertThat(zk.create("/seq", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL))
                        .isEqualTo(String.format("/seq%010d", 2 * id - 1));
            }
            // null data (kept apart from empty data) forwarded by followers, proposed, applied everywhere
            int aFollower = leader == 1 ? 2 : 1;
            clients.get(aFollower - 1).create("/null", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            clients.get(aFollower - 1).create("/empty", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (ZooKeeper zk : clients) {
                zk.sync("/", (rc, p, c) -> { }, null);
            }
            for (ZooKeeper zk : clients) {
                await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/via3", false) != null);
                Stat stat = new Stat();
                assertThat(new String(zk.getData("/via2", false, stat))).isEqualTo("from 2");
                assertThat(zk.getData("/null", false, stat)).isNull();
                assertThat(stat.getDataLength()).isZero();
                assertThat(zk.getData("/empty", false, null)).isEmpty();
            }
            // a session reads its own writes on a follower
            int follower = leader == 1 ? 2 : 1;
            ZooKeeper f = clients.get(follower - 1);
            for (int i = 0; i < 20; i++) {
                f.setData("/via1", ("v" + i).getBytes(), -1);
                assertThat(new String(f.getData("/via1", false, null))).isEqualTo("v" + i);
            }
            // lose the leader: the other two elect one and carry on, nothing lost
            for (ZooKeeper zk : clients) {
                zk.close();
            }
            ensemble.stop(leader);
            await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leader() > 0 && ensemble.leader() != leader);
            int survivor = leader == 3 ? 1 : 3;
            ZooKeeper after = ServersAccess.connect(ensemble.connectString(survivor), 8000);
            assertThat(after.getChildren("/", false)).contains("via1", "via2", "via3");
            after.create("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            // the old leader restarts and catches up
            ensemble.start(leader);
            ZooKeeper back = ServersAccess.connect(ensemble.connectString(leader), 8000);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    return back.exists("/after", false) != null;
                } catch (Exception e) {
                    return false;
                }
            });
            // its own disk (restart) and the catch-up both kept null data apart from empty data
            assertThat(back.getData("/null", false, null)).isNull();
            assertThat(back.getData("/after", false, null)).isNull();
            assertThat(back.getData("/empty", false, null)).isEmpty();
            after.close();
            back.close();
        }
    }

    @Test
    void theLogIsTrimmedAndAWipedFollowerCatchesUpBySnapshot() throws Exception {
        System.setProperty("corral.logTrimInterval", "50");
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3)) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leader() > 0);
            int leader = ensemble.leader();
            int follower = leader == 1 ? 2 : 1;
            ZooKeeper zk = ServersAccess.connect(ensemble.connectString(leader), 8000);
            zk.create("/null", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/empty", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < 298; i++) {
                zk.create("/n" + i, ("d" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (int id = 1; id <= 3; id++) {
                    if (ensemble.running[id].member().logBase() < 200) {
                        return false;
                    }
                }
                return true;
            });
            // a follower loses its disk: it comes back empty and, the log being trimmed, gets a snapshot
            ensemble.stop(follower);
            dev.corral.server.storage.Dirs.deleteQuietly(ensemble.config(follower).dataDir());
            zk.create("/while-away", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            ensemble.start(follower);
            ZooKeeper back = ServersAccess.connect(ensemble.connectString(follower), 8000);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    return back.exists("/while-away", false) != null;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(back.getChildren("/", false)).hasSize(302);
            assertThat(new String(back.getData("/n123", false, null))).isEqualTo("d123");
            // the snapshot (a store checkpoint) and the log after it keep null data apart from empty data
            assertThat(back.getData("/null", false, null)).isNull();
            assertThat(back.getData("/empty", false, null)).isEmpty();
            assertThat(back.getData("/while-away", false, null)).isNull();
            back.close();
            zk.close();
        } finally {
            System.clearProperty("corral.logTrimInterval");
        }
    }

    /**
     * With the default trim interval (10,000 commits) a burst of 100 creates is never trimmed by count; once writes
     * pause, every member flushes its tree and trims its log to the burst's end, so that a member restarted now would
     * re-apply nothing before serving (TrimSchedule, docs/decisions.md "Restart to serving").
     */
    @Test
    void aPauseInWritesTrimsTheLogOnEveryMember() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3)) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leader() > 0);
            ZooKeeper zk = ServersAccess.connect(ensemble.connectString(ensemble.leader()), 8000);
            for (int i = 0; i < 100; i++) {
                zk.create("/burst" + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            long last = zk.exists("/burst99", false).getMzxid();             // the client sees the counter
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (int id = 1; id <= 3; id++) {
                    if (ensemble.running[id].member().logBase() < last) {
                        return false;
                    }
                }
                return true;
            });
            zk.close();
        }
    }
}

