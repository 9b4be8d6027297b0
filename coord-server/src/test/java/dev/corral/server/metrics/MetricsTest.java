package dev.corral.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.CorralServer;
import dev.corral.server.FreePorts;
import dev.corral.server.config.MonitoringConfig;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.it.Servers;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.metrics.impl.NullMetricsProvider;
import org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ServerMetrics;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics side by side with ZooKeeper 3.9.5 running its PrometheusMetricsProvider: the same work against each,
 * both scraped, and every metric Corral exports under a ZooKeeper name must be one ZooKeeper exports, with the
 * same type and, where the work determines it, the same value.
 */
class MetricsTest {
    static final Set<String> REQUIRED = Set.of("znode_count", "watch_count", "ephemerals_count",
            "approximate_data_size",
            "outstanding_requests", "num_alive_connections", "packets_received", "packets_sent", "avg_latency",
            "min_latency", "max_latency", "uptime", "global_sessions", "local_sessions");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    record Scrape(String contentType, Map<String, String> types, Map<String, Double> values) {
    }

    static Scrape scrape(int port) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> types = new TreeMap<>();
        Map<String, Double> values = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                types.put(p[2], p[3]);
            } else if (!line.startsWith("#") && !line.isBlank() && !line.contains("{")) {
                String[] p = line.split(" ");
                values.put(p[0], Double.parseDouble(p[1]));
            }
        }
        return new Scrape(r.headers().firstValue("Content-Type").orElse(""), types, values);
    }

    static void work(String connectString) throws Exception {
        ZooKeeper zk = Servers.connect(connectString, 30000, null);
        zk.create("/m", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/m/e", "abc".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.getData("/m", true, null);
        zk.getChildren("/m", true);
        // Left open: the scrape sees one connection, one session, its ephemeral and its watches.
    }

    Scrape reference() throws Exception {
        PrometheusMetricsProvider provider = new PrometheusMetricsProvider();
        int port = FreePorts.next();
        Properties p = new Properties();
        p.setProperty("httpHost", "127.0.0.1");
        p.setProperty("httpPort", Integer.toString(port));
        provider.configure(p);
        provider.start();
        ServerMetrics.metricsProviderInitialized(provider);
        File data = Files.createDirectories(dir.resolve("zk")).toFile();
        ZooKeeperServer zks = new ZooKeeperServer(data, data, 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(zks);
        try {
            work("127.0.0.1:" + factory.getLocalPort());
            return scrape(port);
        } finally {
            factory.shutdown();
            zks.shutdown();
            provider.stop();
            ServerMetrics.metricsProviderInitialized(NullMetricsProvider.INSTANCE);
        }
    }

    @Test
    void zooKeeperNamesTypesAndValues() throws Exception {
        Scrape zk = reference();
        ServerConfig config = ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral"))
                .withMonitoring(MonitoringConfig.OFF.withMetrics("127.0.0.1", 0));
        Scrape ours;
        try (CorralServer server = CorralServer.start(config)) {
            work("127.0.0.1:" + server.port());
            ours = scrape(server.metricsPort());
        }
        assertThat(ours.contentType()).startsWith("text/plain; version=0.0.4");
        Set<String> zkNamed = ours.types().keySet().stream()
                .filter(n -> !n.startsWith("corral_") && !n.startsWith("jvm") && !n.startsWith("process_"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(zkNamed).containsAll(REQUIRED);
        assertThat(zk.types().keySet()).containsAll(zkNamed);
        for (String name : zkNamed) {
            assertThat(ours.types().get(name)).as(name).isEqualTo(zk.types().get(name));
        }
        for (String name : Set.of("znode_count", "watch_count", "ephemerals_count", "num_alive_connections",
                "approximate_data_size",
                "global_sessions", "local_sessions", "outstanding_requests")) {
            assertThat(ours.values().get(name)).as(name).isEqualTo(zk.values().get(name));
        }
        assertThat(ours.values().get("packets_received")).isPositive();
        assertThat(ours.types()).containsKeys("corral_last_zxid", "corral_serving");
        // The request stages Corral times, as ZooKeeper's summaries (same names, same type), filled by the work.
        for (String name : List.of("readlatency", "updatelatency", "fsynctime")) {
            assertThat(ours.types().get(name)).as(name).isEqualTo("summary").isEqualTo(zk.types().get(name));
            assertThat(ours.values().get(name + "_count")).as(name + "_count").isPositive();
        }
        // Corral's own: commit latency and the store engine's figures.
        assertThat(ours.types().get("corral_commit_latency_ms")).isEqualTo("summary");
        assertThat(ours.values().get("corral_rocksdb_estimate_num_keys")).isPositive();
        assertThat(ours.values().get("corral_rocksdb_block_cache_capacity_bytes")).isPositive();
        assertThat(ours.values()).containsKeys("corral_rocksdb_estimate_pending_compaction_bytes",
                "corral_rocksdb_num_running_compactions", "corral_rocksdb_block_cache_usage_bytes",
                "corral_rocksdb_cur_size_all_mem_tables_bytes");
        // exportJvmInfo: the JVM's metrics are there (under the 1.x client's names; see docs/operations.md).
        assertThat(ours.types().keySet()).anyMatch(n -> n.startsWith("jvm_memory"));
        assertThat(zk.types().keySet()).anyMatch(n -> n.startsWith("jvm_memory"));
    }

    @Test
    void jvmMetricsFollowExportJvmInfo() throws Exception {
        MonitoringConfig off = new MonitoringConfig(false, "0.0.0.0", 0, "/commands", true, "127.0.0.1", 0, false);
        try (CorralServer server = CorralServer.start(
                ServerConfig.standalone("127.0.0.1", 0, dir.resolve("nojvm")).withMonitoring(off))) {
            Scrape s = scrape(server.metricsPort());
            assertThat(s.types()).containsKey("znode_count");
            assertThat(s.types().keySet()).noneMatch(n -> n.startsWith("jvm_"));
        }
    }
}
