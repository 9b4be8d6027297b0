package dev.corral.server.it;

import java.nio.file.Path;
import java.util.List;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rest of the 3.9 client surface, compared with ZooKeeper: watches, containers, TTL, auth, getEphemerals. */
class SurfaceDifferentialTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void fastContainerChecks() {
        System.setProperty("znode.container.checkIntervalMs", "100");
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("znode.container.checkIntervalMs");
        System.clearProperty("zookeeper.extendedTypesEnabled");
    }

    @Test
    void persistentAndRecursiveWatches() throws Exception {
        Differential.compare(dir, 2, ops -> {
            ops.create(0, "/pw", "", CreateMode.PERSISTENT);
            ops.addWatch(1, "/pw", AddWatchMode.PERSISTENT);
            ops.addWatch(1, "/pw/r", AddWatchMode.PERSISTENT_RECURSIVE);
            ops.create(0, "/pw/r", "", CreateMode.PERSISTENT);
            ops.create(0, "/pw/r/a", "", CreateMode.PERSISTENT);
            ops.create(0, "/pw/r/a/b", "", CreateMode.PERSISTENT);
            ops.setData(0, "/pw/r/a/b", "x", -1);
            ops.setData(0, "/pw", "x", -1);
            ops.setData(0, "/pw", "y", -1);
            ops.delete(0, "/pw/r/a/b", -1);
            ops.events(1);
            ops.removeAllWatches(1, "/pw", Watcher.WatcherType.Persistent);
            ops.removeAllWatches(1, "/pw", Watcher.WatcherType.Persistent);
            ops.setData(0, "/pw", "z", -1);
            ops.removeAllWatches(1, "/pw/r", Watcher.WatcherType.PersistentRecursive);
            ops.setData(0, "/pw/r/a", "z", -1);
            ops.events(1);
        });
    }

    @Test
    void removeAndCheckOneShotWatches() throws Exception {
        Differential.compare(dir, 2, ops -> {
            ops.create(0, "/rw", "", CreateMode.PERSISTENT);
            ops.getData(1, "/rw", true);
            ops.getChildren(1, "/rw", true);
            ops.removeAllWatches(1, "/rw", Watcher.WatcherType.Data);
            ops.setData(0, "/rw", "1", -1);
            ops.create(0, "/rw/c", "", CreateMode.PERSISTENT);
            ops.events(1);
            ops.removeAllWatches(1, "/rw", Watcher.WatcherType.Children);
            ops.removeAllWatches(1, "/nowatch", Watcher.WatcherType.Any);
            ops.getData(1, "/rw", true);
            ops.removeAllWatches(1, "/rw", Watcher.WatcherType.Any);
            ops.setData(0, "/rw", "2", -1);
            ops.events(1);
        });
    }

    @Test
    void containersGoOnceEmptiedAndTtlNodesExpire() throws Exception {
        Differential.compare(dir, 2, c -> c.withExtendedTypes(true), ops -> {
            ops.create2(0, "/c", "", CreateMode.CONTAINER);
            ops.create(0, "/c/kid", "", CreateMode.PERSISTENT);
            ops.create2(0, "/never", "", CreateMode.CONTAINER);
            ops.exists(1, "/c", true);
            ops.delete(0, "/c/kid", -1);
            ops.sleep(1500);
            ops.events(1);
            ops.exists(0, "/c", false);
            ops.exists(0, "/never", false);
            ops.create(0, "/e", "", CreateMode.EPHEMERAL);
            ops.create(0, "/e/x", "", CreateMode.CONTAINER);
        });
    }

    /** The differential test above would also pass if neither server swept; this pins that Corral does. */
    @Test
    void corralSweepsEmptiedContainersAndExpiredTtlNodes() throws Exception {
        try (Servers.Target corral = Servers.corral(dir, c -> c.withExtendedTypes(true))) {
            org.apache.zookeeper.ZooKeeper zk = Servers.connect(corral.connectString(), 10000, null);
            zk.create("/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            zk.create("/c/k", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/t", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL,
                    new org.apache.zookeeper.data.Stat(), 200);
            zk.delete("/c/k", -1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> zk.exists("/c", false) == null && zk.exists("/t", false) == null);
            zk.close();
        }
    }

    /**
     * Opcode 19 (createContainer) with every flags value, and create (1) / create2 (15) with the container flag, on
     * their own and inside a multi, sent as raw frames (the stock client derives the opcode from the flags). What
     * ZooKeeper 3.9.5 does: opcode 19 makes a container whatever the flags (its txn is a CreateContainerTxn; the flags
     * only add a sequence suffix), except TTL flags (no TTL in the request: BADARGUMENTS) and unknown flags
     * (BADARGUMENTS); create/create2 with flag 4 make a plain persistent node (a CreateTxn). Inside a multi the op's
     * opcode becomes 19 whenever the flag is 4, and unknown or TTL flags fail the whole request (MARSHALLINGERROR).
     * Which nodes are containers shows when their only child goes: the sweeper deletes those.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "ensemble"})
    void createContainerOpcodeWithEveryFlag(String where) throws Exception {
        Differential.Scenario scenario = ops -> {
            ops.create(0, "/cc", "", CreateMode.PERSISTENT);
            try (RawSession raw = new RawSession(ops.connectString(), 10000)) {
                ops.transcript.session(raw.sessionId(), 9);
                for (int flags : new int[] {0, 1, 2, 3, 4, 5, 6, 7, -1}) {
                    ops.note("opcode 19 flags " + flags + ": "
                            + raw.create(ops.transcript, ZooDefs.OpCode.createContainer, "/cc/n" + flags, null, flags));
                }
                ops.note("opcode 1 flags 4: " + raw.create(ops.transcript, ZooDefs.OpCode.create, "/cc/p1", null, 4));
                ops.note("opcode 15 flags 4: " + raw.create(ops.transcript, ZooDefs.OpCode.create2, "/cc/p15", null, 4));
                ops.note("multi: " + raw.multi(ops.transcript, List.of(
                        new RawSession.CreateOp(ZooDefs.OpCode.createContainer, "/cc/m19", 0),
                        new RawSession.CreateOp(ZooDefs.OpCode.createContainer, "/cc/m19s", 2),
                        new RawSession.CreateOp(ZooDefs.OpCode.create, "/cc/m1", 4),
                        new RawSession.CreateOp(ZooDefs.OpCode.create2, "/cc/m15", 4),
                        new RawSession.CreateOp(ZooDefs.OpCode.create, "/cc/m1p", 0))));
                for (int flags : new int[] {5, 7}) {
                    ops.note("multi with flags " + flags + ": " + raw.multi(ops.transcript, List.of(
                            new RawSession.CreateOp(ZooDefs.OpCode.create, "/cc/ok" + flags, 0),
                            new RawSession.CreateOp(ZooDefs.OpCode.createContainer, "/cc/bad" + flags, flags))));
                }
                ops.note("multi failing after 19: " + raw.multi(ops.transcript, List.of(
                        new RawSession.CreateOp(ZooDefs.OpCode.createContainer, "/cc/rolled", 0),
                        new RawSession.CreateOp(ZooDefs.OpCode.create, "/cc/missing/x", 0))));
            }
            ops.getChildren(0, "/cc", false);
            ops.beforeDirectRead(0);
            List<String> made = ops.session(0).zk.getChildren("/cc", false);
            java.util.Collections.sort(made);
            for (String name : made) {
                ops.create(0, "/cc/" + name + "/kid", "", CreateMode.PERSISTENT);
                ops.delete(0, "/cc/" + name + "/kid", -1);
            }
            ops.sleep(1500);
            ops.getChildren(0, "/cc", false);
        };
        if (where.equals("ensemble")) {
            Differential.compareWithEnsemble(dir, 1, c -> c.withExtendedTypes(true), scenario);
        } else {
            Differential.compare(dir, 1, c -> c.withExtendedTypes(true), scenario);
        }
    }

    @Test
    void ttlNodes() throws Exception {
        Differential.compare(dir, 1, c -> c.withExtendedTypes(true), ops -> {
            ops.note("ttl create: " + create(ops, "/ttl", 300));
            ops.note("ttl create: " + create(ops, "/long", 600_000));
            ops.note("ttl bad: " + create(ops, "/bad", 0));
            ops.exists(0, "/ttl", false);
            ops.sleep(1500);
            ops.exists(0, "/ttl", false);
            ops.exists(0, "/long", false);
        });
    }

    private static String create(Ops ops, String path, long ttl) {
        try {
            org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
            String p = ops.session(0).zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT_WITH_TTL, stat, ttl);
            return p + " " + ops.transcript.stat(stat);
        } catch (org.apache.zookeeper.KeeperException e) {
            return "ERR " + e.code();
        } catch (Exception e) {
            return "EXCEPTION " + e.getClass().getSimpleName();
        }
    }

    @Test
    void digestAuthAclsAndWhoAmI() throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest("alice:secret");
        List<ACL> aliceOnly = List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)));
        List<ACL> aliceAdminOthersRead = List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
                new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")));
        Differential.compare(dir, 2, ops -> {
            ops.whoAmI(0);
            ops.addAuth(0, "digest", "alice:secret");
            ops.whoAmI(0);
            ops.create(0, "/alice", "a", aliceOnly, CreateMode.PERSISTENT);
            ops.create(0, "/mine", "a", ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            ops.create(0, "/shared", "a", aliceAdminOthersRead, CreateMode.PERSISTENT);
            ops.getData(0, "/alice", false);
            ops.getData(1, "/alice", false);
            ops.setData(1, "/alice", "x", -1);
            ops.create(1, "/alice/kid", "", CreateMode.PERSISTENT);
            ops.delete(1, "/alice", -1);
            ops.getAcl(1, "/alice");
            ops.getAcl(1, "/shared");
            ops.getAcl(0, "/shared");
            ops.getAcl(0, "/mine");
            ops.setAcl(1, "/shared", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
            ops.setAcl(0, "/shared", ZooDefs.Ids.OPEN_ACL_UNSAFE, 5);
            ops.setAcl(0, "/shared", ZooDefs.Ids.OPEN_ACL_UNSAFE, 0);
            ops.getAcl(1, "/shared");
            ops.addAuth(1, "digest", "alice:wrong");
            ops.getData(1, "/alice", false);
            ops.addAuth(1, "digest", "alice:secret");
            ops.getData(1, "/alice", false);
        });
    }

    @Test
    void getEphemeralsMatchesAPlainPrefix() throws Exception {
        Differential.compare(dir, 2, ops -> {
            ops.create(0, "/app", "", CreateMode.PERSISTENT);
            ops.create(0, "/app/e1", "", CreateMode.EPHEMERAL);
            ops.create(0, "/application", "", CreateMode.EPHEMERAL);
            ops.create(0, "/other", "", CreateMode.EPHEMERAL);
            ops.create(1, "/app/e2", "", CreateMode.EPHEMERAL);
            ops.getEphemerals(0, "/");
            ops.getEphemerals(0, "/app");
            ops.getEphemerals(0, "/app/");
            ops.getEphemerals(1, "/");
        });
    }
}
