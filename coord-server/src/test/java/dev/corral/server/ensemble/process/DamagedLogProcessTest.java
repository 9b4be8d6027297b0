package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's report, step by step with real processes: follower C falls behind while leader A and follower B go on
 * acknowledging creates; B is killed and four bytes are written at 60% of its newest ZAB log file; A is killed; C comes
 * back, and B is started. Before the fix B's log silently ended at the damage, B and C formed a quorum, and every
 * acknowledged create after that point was gone. Now B refuses to start and names the file; A and C form the quorum
 * and hold every acknowledged create; B, its data moved aside, catches up from them.
 *
 * <p>C is stopped (kill -9) rather than partitioned: for what B's log holds and C lacks the two are the same.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DamagedLogProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final byte[] DAMAGE = {(byte) 0xa5, 0x5a, (byte) 0xa5, 0x5a};

    @TempDir
    Path dir;

    @Test
    void aMemberWhoseAcknowledgedLogIsDamagedRefusesToStartAndNothingAcknowledgedIsLost(TestInfo info)
            throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName())) {
            int a = ensemble.startAll();
            int b = a % 3 + 1;
            int c = b % 3 + 1;
            try (ZooKeeper zk = ensemble.client(a, 10_000, null)) {
                zk.create("/load", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            ensemble.kill(c);
            WriteLoad load = new WriteLoad(ensemble, "/load", 8, 32, 30_000).start();
            try {
                ensemble.await(() -> load.acknowledged.size() >= 4000, LONG, "4,000 creates acknowledged by A and B");
                ensemble.kill(b);
            } finally {
                load.stop();
            }
            log("load: %d acknowledged, %d attempted, errors %s", load.acknowledged.size(), load.attempted.size(),
                    load.errors);

            Path wal = newestWal(ensemble.dataDir(b).resolve("zablog"));
            long offset = damage(wal, 0.6);
            log("server %d: wrote a5 5a a5 5a at offset %d of %s (%d bytes)", b, offset, wal, Files.size(wal));
            ensemble.kill(a);
            ensemble.start(c);

            ProcessEnsemble.Exited refused = ensemble.startExpectingExit(b, LONG);
            assertThat(refused.code()).as("server %d, its log damaged, must not run", b).isNotZero();
            assertThat(refused.output()).as("the refusal names the damaged file").contains(wal.toString())
                    .contains("damaged");

            ensemble.start(a);
            ensemble.awaitStable(LONG);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            assertThat(load.acknowledged).as("acknowledged creates missing from A and C").isSubsetOf(loadNodes(tree));

            // The operator's way back for B: its data moved aside, it starts empty and catches up from A and C.
            ensemble.wipe(b);
            ensemble.start(b);
            ensemble.awaitStable(LONG);
            TreeMap<String, String> all = ensemble.assertSameTrees(LONG);
            assertThat(load.acknowledged).as("acknowledged creates missing after B rejoined")
                    .isSubsetOf(loadNodes(all));
        }
    }

    private static Set<String> loadNodes(TreeMap<String, String> tree) {
        return tree.keySet().stream().filter(p -> p.startsWith("/load/")).collect(Collectors.toSet());
    }

    private static Path newestWal(Path db) throws IOException {
        try (Stream<Path> files = Files.list(db)) {
            Path wal = files.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
            assertThat(Files.size(wal)).as("B's newest ZAB log file holds the load's entries").isGreaterThan(256 << 10);
            return wal;
        }
    }

    private static long damage(Path file, double at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long offset = (long) (f.length() * at);
            f.seek(offset);
            f.write(DAMAGE);
            return offset;
        }
    }
}
