package dev.corral.server.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figure in docs/operations.md, not a CI test: one million znodes written into a real ZooKeeper 3.9.5 (killed with
 * SIGKILL after), then the time {@code import-zookeeper} takes for them, with the machine's load. Run with
 * {@code mvn -B -q -pl coord-server -am test -Dtest=MillionZnodeImportTiming -Dmigrate.million=true -Dmigrate.zkHeap=3g
 * -Dsurefire.failIfNoSpecifiedTests=false}; it prints one "import timing:" line.
 */
@EnabledIfSystemProperty(named = "migrate.million", matches = "true")
class MillionZnodeImportTiming {
    @TempDir
    Path dir;

    @Test
    void importOneMillionZnodes() throws Exception {
        int groups = Integer.getInteger("migrate.millionGroups", 1000);
        Path zkData = dir.resolve("zk");
        try (ZkChildProcess zkp = ZkChildProcess.start(zkData, zkData, 100_000)) {
            ZooKeeper zk = Zk.connect(zkp.connectString(), 30_000);
            new ZkLoad(zk).bulk("/bulk", groups, 1000);
            zkp.kill();
            zk.close();
        }
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long t0 = System.nanoTime();
        ZooKeeperMigrationTest.Result r = ZooKeeperMigrationTest.tool("import-zookeeper", "--data-dir",
                zkData.toString(), "--to", dir.resolve("corral").toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).as(r.err()).isZero();
        long nodes = Long.parseLong(r.out().replaceAll("^imported (\\d+) znodes.*\\s*$", "$1").trim());
        System.out.printf("import timing: %d znodes in %.1f s = %.0f znodes/s; %d cores; load average before %s,"
                        + " after %s%n%s", nodes, seconds, nodes / seconds, Runtime.getRuntime().availableProcessors(),
                loadBefore, Files.readString(Path.of("/proc/loadavg")).trim(), r.out());
    }
}
