package dev.corral.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator runs against an in-process ZooKeeper and Corral. Checks that it works, not how fast. */
class LoadGenSmokeTest {
    @TempDir
    static Path dir;

    private static ServerCnxnFactory zkFactory;
    private static ZooKeeperServer zk;
    private static CorralServer corral;

    @BeforeAll
    static void start() throws Exception {
        zk = new ZooKeeperServer(dir.resolve("zk").toFile(), dir.resolve("zk").toFile(), 2000);
        zkFactory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        zkFactory.startup(zk);
        corral = CorralServer.start(ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral")));
    }

    @AfterAll
    static void stop() {
        if (corral != null) {
            corral.close();
        }
        if (zkFactory != null) {
            zkFactory.shutdown();
        }
        if (zk != null) {
            zk.shutdown();
        }
    }

    private static String zookeeper() {
        return "127.0.0.1:" + zkFactory.getLocalPort();
    }

    private static String corralAddress() {
        return "127.0.0.1:" + corral.port();
    }

    @Test
    void mixedWorkloadOverTwoServersRecordsLatencies() throws Exception {
        // Two sessions, one on each server: the connect list spreads them.
        Result r = LoadGen.run("--connect", zookeeper() + "," + corralAddress(), "--workload", "mixed",
                "--sessions", "2", "--outstanding", "4", "--seconds", "1", "--warmup", "0.2", "--keys", "20",
                "--label", "smoke");
        assertThat(r.ops()).isPositive();
        assertThat(r.errorCount()).isZero();
        assertThat(r.p50Us()).isPositive().isLessThanOrEqualTo(r.p99Us());
        assertThat(r.p99Us()).isLessThanOrEqualTo(r.maxUs());
        assertThat(r.json()).startsWith("{\"workload\":\"mixed\",\"label\":\"smoke\"").contains("\"ops_per_sec\":");
        assertThat(r.tableRow()).startsWith("mixed");
    }

    @Test
    void pacedSetDataOffersNoMoreThanItsRate() throws Exception {
        // 100 ops/s for 2 s (plus 1 s of warm-up): pacing can only hold back, so at most ~200 are measured.
        Result r = LoadGen.run("--connect", corralAddress(), "--workload", "setdata", "--sessions", "2",
                "--outstanding", "8", "--keys", "10", "--rate", "100", "--seconds", "2", "--warmup", "1");
        assertThat(r.workload()).isEqualTo("setdata@100");
        assertThat(r.ops()).isPositive().isLessThanOrEqualTo(230);
        assertThat(r.errorCount()).isZero();
    }

    @Test
    void createOnCorral() throws Exception {
        Result r = LoadGen.run("--connect", corralAddress(), "--workload", "create", "--sessions", "2",
                "--outstanding", "4", "--seconds", "1", "--warmup", "0");
        assertThat(r.ops()).isPositive();
        assertThat(r.errorCount()).isZero();
    }

    @Test
    void watchLatencyOnZooKeeper() throws Exception {
        Result r = LoadGen.run("--connect", zookeeper(), "--workload", "watch", "--sessions", "5", "--seconds",
                "1", "--warmup", "0.2");
        // Every round tells all five watchers.
        assertThat(r.ops()).isPositive();
        assertThat(r.errorCount()).isZero();
    }

    @Test
    void loadStopsAtTheCount() throws Exception {
        Result r = LoadGen.run("--connect", zookeeper(), "--workload", "load", "--count", "1500", "--sessions",
                "2", "--outstanding", "8", "--data-bytes", "10", "--root", "/smoke-load");
        assertThat(r.ops()).isEqualTo(1500);
    }
}
