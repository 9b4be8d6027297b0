package dev.corral.server.ensemble.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.migrate.TreeWalk;
import dev.corral.server.migrate.ZkChildProcess;
import dev.corral.server.migrate.ZkLoad;
import dev.corral.server.storage.Dirs;
import dev.corral.server.tools.CorralTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory of a ZooKeeper 3.9.5 <em>ensemble</em> member, imported into Corral. A standalone ZooKeeper (what
 * ZooKeeperMigrationTest loads) never leaves epoch 0, so its zxids stay below 2^32; an ensemble's carry the epoch in
 * their high 32 bits, and every leader change moves it. Here the ensemble's leader is killed twice (three epochs of
 * writes), the last leader's files are imported, and a three-member Corral ensemble is started on them (seeded on one
 * member, the others take it by SNAP): every node's data, ACL and Stat field walk as the live ZooKeeper ensemble
 * showed them, and Corral's own writes, before and after a leader change of its own, get zxids above every imported
 * one (Corral's client-visible zxid is its gap-free counter, which carries on from ZooKeeper's last zxid whatever
 * Corral's own epochs are).
 */
class EnsembleImportProcessTest {
    private static final List<String> ZK_OPTIONS = List.of(
            "-Dzookeeper.extendedTypesEnabled=true",
            "-Dzookeeper.DigestAuthenticationProvider.superDigest=" + ZkChildProcess.SUPER_DIGEST,
            "-Dzookeeper.authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
            "-Dzookeeper.authProvider.2=org.apache.zookeeper.server.auth.X509AuthenticationProvider");

    @TempDir
    Path dir;

    @Test
    void anEnsemblesFilesFromThreeEpochsImportWithEveryStat() throws Exception {
        Map<String, TreeWalk.Seen> reference;
        long lastZkZxid;
        Path zkFiles = dir.resolve("zk-member");
        try (ProcessEnsemble zk = ProcessEnsemble.zookeeper(dir.resolve("zk"), "import-zk", 3, 0, ZK_OPTIONS)) {
            int leader = zk.startAll();
            ZooKeeper admin = superClient(zk, leader);
            ZkLoad load = new ZkLoad(admin);
            load.mixed();
            for (int epoch = 2; epoch <= 3; epoch++) {
                int old = leader;
                zk.kill(old);
                zk.awaitStable(Duration.ofSeconds(60));
                zk.start(old);
                leader = zk.awaitStable(Duration.ofSeconds(60));
                ProcessEnsemble.log("ZooKeeper: leader %d killed and restarted, %d leads (epoch %d)", old, leader, epoch);
                load.bulk("/bulk" + epoch, 5, 200);
                for (int i = 0; i < 50; i++) {
                    admin.setData("/bulk" + epoch + "/g0/n" + i, ("e" + epoch).getBytes(StandardCharsets.UTF_8), -1);
                    admin.delete("/bulk" + epoch + "/g1/n" + i, -1);
                }
            }
            reference = TreeWalk.walk(admin);
            admin.close();
            lastZkZxid = zk.zxid(leader);
            Path from = zk.dataDir(leader);
            for (int id = 1; id <= 3; id++) {
                zk.kill(id);
            }
            Dirs.copy(from, zkFiles);
        }
        // An ensemble member shows its membership there; the two ensembles' differ by their ports.
        reference.remove("/zookeeper/config");
        long maxZxid = maxZxid(reference);
        assertThat(maxZxid >>> 32).as("the newest zxid's epoch").isGreaterThanOrEqualTo(3);
        assertThat(zxid(reference.get("/deep"), "czxid") >>> 32).as("/deep's czxid's epoch").isEqualTo(1);

        Path imported = dir.resolve("corral-import");
        String out = tool("import-zookeeper", "--data-dir", zkFiles.toString(), "--to", imported.toString());
        ProcessEnsemble.log("import: %s", out.trim());
        assertThat(out).contains(Long.toHexString(lastZkZxid));

        try (ProcessEnsemble corral = new ProcessEnsemble(dir.resolve("corral"), "import-corral", ZK_OPTIONS)) {
            try (Stream<Path> files = Files.list(imported)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Dirs.copy(p, corral.dataDir(1).resolve(p.getFileName().toString()));
                }
            }
            int leader = corral.startAll();
            // Member 3 started empty unless it leads: read where the SNAP went.
            int reader = leader == 3 ? 2 : 3;
            ZooKeeper zk = superClient(corral, reader);
            Map<String, TreeWalk.Seen> walked = new TreeMap<>(TreeWalk.walk(zk));
            walked.remove("/zookeeper/config");
            assertThat(TreeWalk.diff(reference, walked, 10)).as("ZooKeeper ensemble vs Corral member " + reader)
                    .isEmpty();
            long first = create(zk, "/after-import");
            assertThat(first).as("Corral's first write").isGreaterThan(lastZkZxid).isGreaterThan(maxZxid);
            zk.close();

            corral.kill(leader);
            int next = corral.awaitStable(Duration.ofSeconds(60));
            ZooKeeper again = superClient(corral, next);
            long second = create(again, "/after-leader-change");
            assertThat(second).as("a write after Corral's own leader change").isGreaterThan(first);
            again.close();
            ProcessEnsemble.log("ZooKeeper's last zxid 0x%x; Corral's writes 0x%x, then 0x%x after its leader %d was "
                    + "killed", lastZkZxid, first, second, leader);
        }
    }

    private static ZooKeeper superClient(ProcessEnsemble e, int id) throws Exception {
        ZooKeeper zk = e.clientPreferring(id, 30_000, null);
        zk.addAuthInfo("digest", "super:test".getBytes(StandardCharsets.UTF_8));
        return zk;
    }

    private static long create(ZooKeeper zk, String path) throws Exception {
        Stat s = new Stat();
        zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, s);
        return s.getCzxid();
    }

    private static long zxid(TreeWalk.Seen seen, String field) {
        for (String f : seen.stat().split(" ")) {
            if (f.startsWith(field + "=")) {
                return Long.parseLong(f.substring(field.length() + 1));
            }
        }
        throw new AssertionError("no " + field + " in " + seen.stat());
    }

    /** The largest czxid, mzxid or pzxid in a walk. */
    private static long maxZxid(Map<String, TreeWalk.Seen> walk) {
        long max = 0;
        for (TreeWalk.Seen s : walk.values()) {
            for (String field : s.stat().split(" ")) {
                if (field.matches("[cmp]zxid=\\d+")) {
                    max = Math.max(max, Long.parseLong(field.substring(field.indexOf('=') + 1)));
                }
            }
        }
        return max;
    }

    private static String tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CorralTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
