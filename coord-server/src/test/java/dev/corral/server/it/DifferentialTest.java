package dev.corral.server.it;

import java.nio.file.Path;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZooKeeper 3.9 behaviours pinned by running the same operations against a real ZooKeeper and Corral. */
class DifferentialTest {
    /** Where the scenarios run: one Corral server here; a subclass runs them on an ensemble. */
    protected void compare(Path dir, int clients, Differential.Scenario scenario) throws Exception {
        Differential.compare(dir, clients, scenario);
    }

    /** True where Corral runs as an ensemble (this subclass's, or -Dcorral.target=ensemble). */
    protected boolean ensemble() {
        return "ensemble".equals(System.getProperty("corral.target"));
    }

    @TempDir
    Path dir;

    @Test
    void systemNodes() throws Exception {
        compare(dir, 1, ops -> {
            ops.getChildren2(0, "/", false);
            ops.getChildren2(0, "/zookeeper", false);
            ops.getData(0, "/zookeeper/quota", false);
            if (!ensemble()) { // an ensemble's config node holds its membership: ReconfigSurfaceProcessTest
                ops.getAcl(0, "/zookeeper/config");
            }
            ops.getAcl(0, "/");
            ops.allChildrenNumber(0, "/");
            ops.allChildrenNumber(0, "/zookeeper");
            ops.delete(0, "/zookeeper", -1);
            ops.delete(0, "/zookeeper/quota", -1);
            ops.create(0, "/zookeeper/config/x", "", CreateMode.PERSISTENT);
            ops.create(0, "/zookeeper/quota/x", "", CreateMode.PERSISTENT);
            ops.allChildrenNumber(0, "/");
        });
    }

    @Test
    void createModesAndStats() throws Exception {
        compare(dir, 2, ops -> {
            ops.create2(0, "/p", "data", CreateMode.PERSISTENT);
            ops.create2(0, "/p/e", "x", CreateMode.EPHEMERAL);
            ops.create2(1, "/p/s", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.create2(1, "/p/es", null, CreateMode.EPHEMERAL_SEQUENTIAL);
            ops.create(0, "/p/e/child", "", CreateMode.PERSISTENT);
            ops.create(0, "/p/e/child", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.create(0, "/p", "", CreateMode.PERSISTENT);
            ops.create(0, "/missing/child", "", CreateMode.PERSISTENT);
            ops.getChildren2(0, "/p", false);
            ops.getData(0, "/p/e", false);
            ops.exists(1, "/p/es0000000003", false);
            ops.allChildrenNumber(0, "/p");
            ops.allChildrenNumber(0, "/");
            ops.reopen(0);
            ops.getChildren2(1, "/p", false);
            ops.exists(1, "/p/e", false);
        });
    }

    @Test
    void sequentialSuffixCountsCreationsOnly() throws Exception {
        compare(dir, 1, ops -> {
            ops.create(0, "/q", "", CreateMode.PERSISTENT);
            ops.create(0, "/q/n", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.delete(0, "/q/n0000000000", -1);
            ops.create(0, "/q/n", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.create(0, "/q/plain", "", CreateMode.PERSISTENT);
            ops.create(0, "/q/plain", "", CreateMode.PERSISTENT);
            ops.create(0, "/q/n", "", CreateMode.EPHEMERAL_SEQUENTIAL);
            ops.create(0, "/q/", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.create(0, "/q/", "", CreateMode.PERSISTENT_SEQUENTIAL);
            ops.getChildren2(0, "/q", false);
            ops.create(0, "/seqroot", "", CreateMode.PERSISTENT_SEQUENTIAL);
        });
    }

    @Test
    void versionsAndErrorPrecedence() throws Exception {
        compare(dir, 1, ops -> {
            ops.create(0, "/v", "a", CreateMode.PERSISTENT);
            ops.create(0, "/v/c", "a", CreateMode.PERSISTENT);
            ops.setData(0, "/v", "b", 0);
            ops.setData(0, "/v", "c", 0);
            ops.setData(0, "/v", "c", -1);
            ops.setData(0, "/nope", "c", 5);
            ops.delete(0, "/v", 7);
            ops.delete(0, "/v", 2);
            ops.delete(0, "/v", -1);
            ops.delete(0, "/nope/deeper", 3);
            ops.delete(0, "/nope", 3);
            ops.delete(0, "/v/c", 1);
            ops.delete(0, "/v/c", 0);
            ops.getData(0, "/v", false);
            ops.delete(0, "/v", 2);
            ops.exists(0, "/v", false);
        });
    }

    @Test
    void aclDenialsAndInvalidAcls() throws Exception {
        ACL readOnly = new ACL(ZooDefs.Perms.READ, new Id("world", "anyone"));
        ACL noRead = new ACL(ZooDefs.Perms.ALL & ~ZooDefs.Perms.READ, new Id("world", "anyone"));
        compare(dir, 1, ops -> {
            ops.create(0, "/ro", "x", java.util.List.of(readOnly), CreateMode.PERSISTENT);
            ops.create(0, "/ro/child", "", CreateMode.PERSISTENT);
            ops.setData(0, "/ro", "y", -1);
            ops.delete(0, "/ro", -1);
            ops.create(0, "/nr", "x", java.util.List.of(noRead), CreateMode.PERSISTENT);
            ops.getData(0, "/nr", false);
            ops.exists(0, "/nr", false);
            ops.getChildren(0, "/nr", false);
            ops.getAcl(0, "/nr");
            ops.create(0, "/badacl", "", java.util.List.of(new ACL(31, new Id("world", "someone"))), CreateMode.PERSISTENT);
            ops.create(0, "/authacl", "", ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            ops.create(0, "/ipacl", "", java.util.List.of(new ACL(31, new Id("ip", "127.0.0.1/8"))), CreateMode.PERSISTENT);
            ops.getData(0, "/ipacl", false);
            ops.create(0, "/ipdeny", "", java.util.List.of(new ACL(31, new Id("ip", "10.0.0.0/8"))), CreateMode.PERSISTENT);
            ops.getData(0, "/ipdeny", false);
            ops.create(0, "/badip", "", java.util.List.of(new ACL(31, new Id("ip", "300.1.1.1"))), CreateMode.PERSISTENT);
            ops.create(0, "/digest", "", java.util.List.of(new ACL(31, new Id("digest", "user:hash"))), CreateMode.PERSISTENT);
            ops.getData(0, "/digest", false);
        });
    }

    @Test
    void watchesFireInZooKeepersOrder() throws Exception {
        compare(dir, 2, ops -> {
            ops.create(0, "/w", "", CreateMode.PERSISTENT);
            ops.exists(1, "/w/a", true);
            ops.getChildren(1, "/w", true);
            ops.create(0, "/w/a", "1", CreateMode.PERSISTENT);
            ops.events(1);
            ops.getData(1, "/w/a", true);
            ops.getChildren(1, "/w/a", true);
            ops.exists(1, "/w/a", true);
            ops.getChildren(1, "/w", true);
            ops.setData(0, "/w/a", "2", -1);
            ops.events(1);
            ops.getData(1, "/w/a", true);
            ops.getChildren(1, "/w/a", true);
            ops.delete(0, "/w/a", -1);
            ops.events(1);
            // a session's own write: the event arrives before the reply
            ops.getData(0, "/w", true);
            ops.setData(0, "/w", "self", -1);
            ops.events(0);
            ops.setData(0, "/w", "again", -1);
            ops.events(0);
        });
    }

    @Test
    void ephemeralsGoWithTheirSession() throws Exception {
        compare(dir, 2, ops -> {
            ops.create(0, "/eph", "", CreateMode.PERSISTENT);
            ops.create(0, "/eph/a", "", CreateMode.EPHEMERAL);
            ops.create(0, "/eph/b", "", CreateMode.EPHEMERAL_SEQUENTIAL);
            ops.exists(1, "/eph/a", true);
            ops.getChildren(1, "/eph", true);
            ops.getData(1, "/eph/b0000000001", true);
            ops.reopen(0);
            ops.events(1);
            ops.getChildren2(1, "/eph", false);
        });
    }

    /**
     * ZooKeeper keeps null data (a jute buffer of length -1, e.g. {@code create(path, null, ...)}) apart from empty
     * data: it reads back null, with dataLength 0. Kafka creates /kafka/latest_producer_id_block so and expects null.
     */
    @Test
    void nullDataReadsBackNullAndEmptyStaysEmpty() throws Exception {
        compare(dir, 2, ops -> {
            ops.create(0, "/kafka", null, CreateMode.PERSISTENT);
            ops.create2(0, "/kafka/latest_producer_id_block", null, CreateMode.PERSISTENT);
            ops.getData(1, "/kafka/latest_producer_id_block", false);
            ops.getData(0, "/kafka", false);
            ops.create2(0, "/empty", "", CreateMode.PERSISTENT);
            ops.getData(1, "/empty", false);
            ops.create(0, "/kafka/eph", null, CreateMode.EPHEMERAL_SEQUENTIAL);
            ops.getData(1, "/kafka/eph0000000001", false);
            ops.getData(1, "/empty", true);
            ops.setData(0, "/empty", null, -1);
            ops.events(1);
            ops.getData(1, "/empty", false);
            ops.setData(0, "/kafka", "x", -1);
            ops.getData(1, "/kafka", false);
            ops.setData(0, "/kafka", "", 1);
            ops.getData(1, "/kafka", false);
            ops.setData(0, "/kafka", null, 2);
            ops.getData(0, "/kafka", false);
            ops.exists(1, "/kafka", false);
            ops.getChildren2(1, "/kafka", false);
        });
    }

    /**
     * 14 ephemerals of one session under three parents, created out of path order, each watched by another session
     * (data watches on the nodes, child watches on the parents, and a recursive watch over all): when the session
     * closes, the NodeDeleted and NodeChildrenChanged events come in ZooKeeper's order. That order is the iteration
     * order of a HashSet, so the paths are chosen so that two pairs share a bucket in a creation order other than
     * their path order.
     */
    @Test
    void aClosedSessionsEphemeralsGoInZooKeepersOrder() throws Exception {
        compare(dir, 3, ops -> {
            createEphemeralParents(ops);
            for (String path : EPHEMERALS) {
                ops.create(0, path, "", CreateMode.EPHEMERAL);
            }
            watchEphemerals(ops);
            ops.reopen(0);
            ops.events(1);
            ops.events(2);
        });
    }

    /** The same as a session that expires: ZooKeeper closes it through the same closeSession request. */
    @Test
    void anExpiredSessionsEphemeralsGoInZooKeepersOrder() throws Exception {
        compare(dir, 3, ops -> {
            createEphemeralParents(ops);
            RawSession raw = new RawSession(ops.connectString(), 4000);
            ops.transcript.session(raw.sessionId(), 9);
            for (String path : EPHEMERALS) {
                ops.note("raw create " + path + " -> " + raw.create(ops.transcript, ZooDefs.OpCode.create, path,
                        null, CreateMode.EPHEMERAL.toFlag()));
            }
            watchEphemerals(ops);
            raw.abandon();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> ops.session(1).zk.getChildren("/eo/a", false).isEmpty());
            ops.events(1);
            ops.events(2);
        });
    }

    /** Created (by session 0) in this order; see {@link #aClosedSessionsEphemeralsGoInZooKeepersOrder}. */
    private static final String[] EPHEMERALS = {"/eo/b/k07", "/eo/a/x3", "/eo/c/q", "/eo/b/a", "/eo/a/m1", "/eo/b/k11",
        "/eo/c/a", "/eo/a/z9", "/eo/b/k02", "/eo/c/mm", "/eo/a/x10", "/eo/b/k10", "/eo/c/t5", "/eo/a/b4"};

    private static void createEphemeralParents(Ops ops) {
        for (String parent : new String[] {"/eo", "/eo/c", "/eo/a", "/eo/b"}) {
            ops.create(1, parent, "", CreateMode.PERSISTENT);
        }
    }

    private static void watchEphemerals(Ops ops) {
        for (String path : EPHEMERALS) {
            ops.exists(1, path, true);
        }
        for (String parent : new String[] {"/eo/a", "/eo/b", "/eo/c"}) {
            ops.getChildren(1, parent, true);
        }
        ops.addWatch(2, "/eo", org.apache.zookeeper.AddWatchMode.PERSISTENT_RECURSIVE);
    }

    /** Without extendedTypesEnabled (the default) a TTL create is UNIMPLEMENTED on both. */
    @Test
    void ttlNodesNeedExtendedTypes() throws Exception {
        compare(dir, 1, ops -> {
            String outcome;
            try {
                ops.session(0).zk.create("/ttl", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL,
                        new org.apache.zookeeper.data.Stat(), 1000);
                outcome = "created";
            } catch (org.apache.zookeeper.KeeperException e) {
                outcome = "ERR " + e.code();
            }
            org.assertj.core.api.Assertions.assertThat(outcome).isEqualTo("ERR UNIMPLEMENTED");
            ops.note("createTTL without extendedTypesEnabled: " + outcome);
            ops.exists(0, "/ttl", false);
        });
    }

    @Test
    void pathsTheServerChecks() throws Exception {
        compare(dir, 1, ops -> {
            ops.create(0, "/x", "", CreateMode.PERSISTENT);
            ops.create(0, "/x/", "", CreateMode.PERSISTENT);
            ops.create(0, "/x/.", "", CreateMode.PERSISTENT);
            ops.create(0, "/x/..", "", CreateMode.PERSISTENT);
            ops.create(0, "/x/a.b", "", CreateMode.PERSISTENT);
            ops.create(0, "/x/\u0001", "", CreateMode.PERSISTENT);
            ops.create(0, "/x/\u00e9t\u00e9", "", CreateMode.PERSISTENT);
            ops.getChildren(0, "/x", false);
            ops.sync(0, "/x");
            ops.sync(0, "/nope");
            ops.getData(0, "/", false);
        });
    }
}
