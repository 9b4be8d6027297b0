package dev.corral.server.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.ensemble.LocalEnsemble;
import dev.corral.server.storage.Dirs;
import dev.corral.server.tools.CorralTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ZooKeeper 3.9.5 (a child process, killed with SIGKILL after loading 100,000 znodes of every kind, with
 * several snapshots and logs and writes after the last snapshot) imported into Corral: the stock-client walks of
 * ZooKeeper restarted on the same files and of Corral started on the import are equal, node for node, byte for byte,
 * ACL and Stat field for field; the next sequential name and the next zxid are ZooKeeper's. Then the Corral tree
 * seeded on one member of a three-member ensemble walks the same on a member that started empty (it takes the tree by
 * SNAP), and exported and loaded by ZooKeeper walks the same again.
 */
class ZooKeeperMigrationTest {
    static final int GROUPS = Integer.getInteger("migrate.groups", 100);
    static final int PER_GROUP = Integer.getInteger("migrate.perGroup", 1000);
    static final int SNAP_COUNT = Integer.getInteger("migrate.snapCount", 20_000);

    @TempDir
    Path dir;

    @Test
    void importedTreeAndExportedTreeWalkAsZooKeepers() throws Exception {
        Path zkData = dir.resolve("zk-data");
        Path zkLog = dir.resolve("zk-log");
        long sessionAtKill;
        try (ZkChildProcess zkp = ZkChildProcess.start(zkData, zkLog, SNAP_COUNT)) {
            // Sessions alive at the kill are carried over with their timeouts: long ones, so that neither server
            // expires them (a closeSession txn) while the test runs and the next zxids stay comparable.
            ZooKeeper admin = Zk.connect(zkp.connectString(), 300_000);
            admin.addAuthInfo("digest", "super:test".getBytes(StandardCharsets.UTF_8));
            ZkLoad load = new ZkLoad(admin);
            load.mixed();
            ZooKeeper closed = Zk.connect(zkp.connectString(), 30_000);
            closed.create("/eph-closed", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            closed.close();
            ZooKeeper alive = Zk.connect(zkp.connectString(), 300_000);
            sessionAtKill = alive.getSessionId();
            alive.create("/data/eph", new byte[] {1, 2}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            alive.create("/seq/e-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            load.bulk("/bulk", GROUPS, PER_GROUP);
            // Writes after the last snapshot: the import has to take them from the log.
            for (int i = 0; i < 50; i++) {
                admin.setData("/bulk/g0/n" + i, ("after-" + i).getBytes(StandardCharsets.UTF_8), -1);
                admin.delete("/bulk/g1/n" + i, -1);
            }
            zkp.kill();
            alive.close();
            admin.close();
        }
        assertThat(ZkFiles.snapshots(zkData.resolve("version-2"))).as("snapshots").hasSizeGreaterThan(2);
        assertThat(ZkFiles.logs(zkLog.resolve("version-2"))).as("logs").hasSizeGreaterThan(2);

        // ZooKeeper changes its directories when it starts: the reference runs on a copy.
        Dirs.copy(zkData, dir.resolve("ref-data"));
        Dirs.copy(zkLog, dir.resolve("ref-log"));
        Path imported = dir.resolve("corral");
        long t0 = System.nanoTime();
        Result r = tool("import-zookeeper", "--data-dir", zkData.toString(), "--log-dir", zkLog.toString(), "--to",
                imported.toString());
        long importMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.code()).as(r.err()).isZero();
        System.out.println(r.out().trim() + " (" + importMs + " ms in the test JVM)");
        assertThat(r.out()).doesNotContain(" 0 txns");
        assertThat(tool("import-zookeeper", "--data-dir", zkData.toString(), "--to", imported.toString()).code())
                .as("a non-empty --to is refused").isEqualTo(1);

        Map<String, TreeWalk.Seen> reference;
        Map<String, TreeWalk.Seen> ours;
        String[] nextSeq = new String[2];
        long[] nextZxid = new long[2];
        long lastZkZxid;
        // ZooKeeper in a child JVM: its super user is read once per JVM (DigestAuthenticationProvider's static
        // superDigest), so an embedded server here would depend on which test touched that class first.
        try (ZkChildProcess ref = ZkChildProcess.start(dir.resolve("ref-data"), dir.resolve("ref-log"), 1_000_000)) {
            lastZkZxid = Zk.lastZxid(ref.connectString());
            ZooKeeper zk = Zk.connectSuper(ref.connectString());
            reference = TreeWalk.walk(zk);
            Stat s = new Stat();
            nextSeq[0] = zk.create("/seq/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, s);
            nextZxid[0] = s.getCzxid();
            zk.close();
        }
        // A copy for the ensemble, seeded on one member, before the standalone server writes to the import.
        Dirs.copy(imported, dir.resolve("ensemble").resolve("s1"));
        Map<String, TreeWalk.Seen> oursAfter;
        try (CorralServer corral = CorralServer.start(
                ServerConfig.standalone("127.0.0.1", 0, imported).withSuperDigest(ZkChildProcess.SUPER_DIGEST))) {
            ZooKeeper zk = Zk.connectSuper("127.0.0.1:" + corral.port());
            ours = TreeWalk.walk(zk);
            Stat s = new Stat();
            nextSeq[1] = zk.create("/seq/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, s);
            nextZxid[1] = s.getCzxid();
            // What the export must hold: the tree walked, with /seq as it is after the create.
            oursAfter = new java.util.TreeMap<>(ours);
            oursAfter.keySet().removeIf(p -> p.equals("/seq") || p.startsWith("/seq/"));
            oursAfter.putAll(TreeWalk.walk(zk, "/seq"));
            zk.close();
            Result locked = tool("export-zookeeper", "--from", imported.toString(), "--to",
                    dir.resolve("too-early").toString());
            assertThat(locked.code()).as("export while the server runs").isEqualTo(1);
            assertThat(locked.err()).contains("stop the Corral server first");
        }
        assertThat(reference.size()).isGreaterThan(GROUPS * PER_GROUP);
        assertThat(reference.get("/data/eph").stat()).contains("ephemeralOwner=" + sessionAtKill);
        assertThat(TreeWalk.diff(reference, ours, 10)).as("ZooKeeper restarted vs Corral imported").isEmpty();
        assertThat(nextSeq[1]).as("the next sequential name").isEqualTo(nextSeq[0]);
        assertThat(nextZxid[1]).as("the next write's zxid").isEqualTo(nextZxid[0]).isGreaterThan(lastZkZxid);

        // Seeded on member 1 only: members 2 and 3 start empty and take the tree from it (SNAP).
        try (LocalEnsemble ensemble = new LocalEnsemble(dir.resolve("ensemble"), 3,
                c -> c.withSuperDigest(ZkChildProcess.SUPER_DIGEST))) {
            ensemble.startAll();
            Awaitility.await().atMost(Duration.ofSeconds(120))
                    .until(() -> ensemble.leader() > 0 && ensemble.allActive());
            assertThat(ensemble.leader()).as("the seeded member leads").isEqualTo(1);
            // Member 3, which started empty: its whole tree came by SNAP.
            String member = ensemble.connectStringAll().split(",")[2];
            ZooKeeper zk = Zk.connectSuper(member);
            Map<String, TreeWalk.Seen> walked = new java.util.TreeMap<>(TreeWalk.walk(zk));
            zk.close();
            // An ensemble member shows its membership in /zookeeper/config (the standalone reference has none);
            // ReconfigSurfaceProcessTest compares that node with a ZooKeeper ensemble's.
            walked.put("/zookeeper/config", reference.get("/zookeeper/config"));
            assertThat(TreeWalk.diff(reference, walked, 5)).as("ZooKeeper vs the member at " + member).isEmpty();
        }

        Path exported = dir.resolve("exported");
        Result e = tool("export-zookeeper", "--from", imported.toString(), "--to", exported.toString());
        assertThat(e.code()).as(e.err()).isZero();
        try (ZkChildProcess back = ZkChildProcess.start(exported, exported, 1_000_000)) {
            ZooKeeper zk = Zk.connectSuper(back.connectString());
            Map<String, TreeWalk.Seen> again = TreeWalk.walk(zk);
            zk.close();
            assertThat(TreeWalk.diff(oursAfter, again, 10)).as("Corral vs ZooKeeper started on the export").isEmpty();
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CorralTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

}
