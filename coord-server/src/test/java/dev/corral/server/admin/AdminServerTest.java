package dev.corral.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.admin.JettyAdminServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer side by side with ZooKeeper 3.9.5's own (Jetty) AdminServer: the same client work against each,
 * then every command fetched from both and the JSON compared key by key (nested objects too), and value by value
 * where the value is determined by the work done.
 */
class AdminServerTest {
    static final List<String> COMMANDS = List.of("ruok", "srvr", "server_stats", "stat", "stats", "conf",
            "configuration", "cons", "connections", "envi", "environment", "wchs", "watch_summary", "wchc", "watches",
            "wchp", "watches_by_path", "dump", "leader", "is_read_only", "dirs", "voting_view", "zabstate", "mntr",
            "monitor", "crst", "connection_stat_reset", "srst", "stat_reset", "system_properties", "hash", "gtmk",
            "get_trace_mask", "icfg", "initial_configuration", "lsnp", "last_snapshot", "orst",
            "observer_connection_stat_reset", "obsr", "observers", "stmk");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void quietJetty() {
        System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        // The provider ZooKeeperServerMain installs unless told otherwise: monitor lists its metrics.
        org.apache.zookeeper.server.ServerMetrics.metricsProviderInitialized(
                new org.apache.zookeeper.metrics.impl.DefaultMetricsProvider());
    }

    record Reply(int status, String body, JsonNode json) {
    }

    record Run(Map<String, Reply> byPath, long sessionId) {
    }

    static Reply get(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            json = JSON.readTree(r.body());
        }
        return new Reply(r.statusCode(), r.body(), json);
    }

    /** The status code answering {@code request} sent as is; -1 when the server closes without one. */
    static Reply raw(int port, String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return new Reply(status == null ? -1 : Integer.parseInt(status.split(" ")[1]), status, null);
        }
    }

    /** The same work on either server, then every command. */
    static Run exercise(String connectString, int adminPort) throws Exception {
        ZooKeeper zk = Servers.connect(connectString, 30000, null);
        zk.create("/w", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/w/e", "abc".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.getData("/w", true, null);
        zk.getChildren("/w", true);
        // A child watch alone: ZooKeeper counts it in mntr's watch_count but not in wchs, wchc or wchp.
        zk.getChildren("/", true);
        Map<String, Reply> out = new LinkedHashMap<>();
        for (String c : COMMANDS) {
            out.put(c, get(adminPort, "/commands/" + c, null));
        }
        out.put("list", get(adminPort, "/commands", null));
        out.put("unknown", get(adminPort, "/commands/no_such_command", null));
        out.put("snapshot", get(adminPort, "/commands/snapshot", null));
        out.put("restore", get(adminPort, "/commands/restore", null));
        out.put("malformed", raw(adminPort, "NOT HTTP AT ALL\r\n\r\n"));
        long sid = zk.getSessionId();
        zk.close();
        return new Run(out, sid);
    }

    /** ZooKeeper 3.9.5 embedded, with its Jetty AdminServer on a free port. */
    Run reference() throws Exception {
        File data = Files.createDirectories(dir.resolve("zk")).toFile();
        ZooKeeperServer zks = new ZooKeeperServer(data, data, 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(zks);
        int adminPort = FreePorts.next();
        JettyAdminServer admin = new JettyAdminServer("127.0.0.1", adminPort, 30000, "/commands", 11, false,
                false, false);
        admin.setZooKeeperServer(zks);
        admin.start();
        try {
            return exercise("127.0.0.1:" + factory.getLocalPort(), adminPort);
        } finally {
            admin.shutdown();
            factory.shutdown();
            zks.shutdown();
        }
    }

    Run corral() throws Exception {
        ServerConfig config = ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral"))
                .withMonitoring(MonitoringConfig.admin("127.0.0.1", 0));
        try (CorralServer server = CorralServer.start(config)) {
            return exercise("127.0.0.1:" + server.port(), server.adminPort());
        }
    }

    /** Every key path in a JSON tree ("server_stats.uptime", "connections[].session_id"); maps keyed by ids and
     * paths (watches, dump) stop at their own key. */
    static Set<String> keyPaths(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject()) {
            boolean keyedByData = prefix.endsWith("session_id_to_watched_paths") || prefix.endsWith("path_to_session_ids")
                    || prefix.endsWith("expiry_time_to_session_ids") || prefix.endsWith("session_id_to_ephemeral_paths")
                    || prefix.endsWith("current_config") || prefix.equals("") && node.has("java.version")
                    && node.has("zookeeper.version") && node.size() > 30;
            if (keyedByData && !prefix.isEmpty()) {
                return out;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                String p = prefix.isEmpty() ? k : prefix + "." + k;
                out.add(p);
                keyPaths(node.get(k), p, out);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                keyPaths(item, prefix + "[]", out);
            }
        }
        return out;
    }

    static Set<String> keys(Reply r) {
        return keyPaths(r.json(), "", new TreeSet<>());
    }

    @Test
    void everyCommandAnswersWithZooKeepersFields() throws Exception {
        Run zk = reference();
        Run ours = corral();
        for (String c : COMMANDS) {
            Reply z = zk.byPath().get(c);
            Reply o = ours.byPath().get(c);
            assertThat(o.status()).as(c).isEqualTo(z.status()).isEqualTo(200);
            assertThat(o.json()).as(c + " is JSON").isNotNull();
            assertThat(o.json().get("command").asText()).as(c).isEqualTo(z.json().get("command").asText());
            assertThat(o.json().has("error")).as(c + " has error").isTrue();
            if (c.equals("mntr") || c.equals("monitor")) {
                // Every field but the per-namespace summaries (named after the top-level znodes used).
                Set<String> expected = new TreeSet<>(keys(z));
                expected.removeIf(k -> k.endsWith("_per_namespace"));
                assertThat(keys(o)).as(c).isEqualTo(expected);
            } else if (c.equals("hash")) {
                // The digest history's entries differ (Corral keeps none): the reply's own fields must not.
                assertThat(fieldNames(o.json())).as(c).isEqualTo(fieldNames(z.json()));
            } else if (c.equals("system_properties")) {
                assertThat(keys(o)).as(c).contains("java.version", "command", "error");
            } else {
                assertThat(keys(o)).as(c).isEqualTo(keys(z));
            }
        }
        for (String c : List.of("ruok", "is_read_only", "leader", "voting_view", "zabstate", "crst", "srst", "gtmk",
                "icfg", "orst", "obsr", "stmk")) {
            assertThat(ours.byPath().get(c).json()).as(c).isEqualTo(zk.byPath().get(c).json());
        }
        for (String field : List.of("node_count", "read_only")) {
            assertThat(ours.byPath().get("srvr").json().get(field)).as(field)
                    .isEqualTo(zk.byPath().get("srvr").json().get(field));
        }
        assertThat(ours.byPath().get("srvr").json().at("/server_stats/server_state"))
                .isEqualTo(zk.byPath().get("srvr").json().at("/server_stats/server_state"));
        for (String field : List.of("znode_count", "ephemerals_count", "watch_count", "server_state",
                "approximate_data_size",
                "global_sessions", "num_alive_connections")) {
            assertThat(ours.byPath().get("mntr").json().get(field)).as("mntr " + field)
                    .isEqualTo(zk.byPath().get("mntr").json().get(field));
        }
        assertThat(ours.byPath().get("wchs").json()).isEqualTo(zk.byPath().get("wchs").json());
        assertThat(normalize(ours.byPath().get("wchc"), ours.sessionId()))
                .isEqualTo(normalize(zk.byPath().get("wchc"), zk.sessionId()));
        assertThat(normalize(ours.byPath().get("wchp"), ours.sessionId()))
                .isEqualTo(normalize(zk.byPath().get("wchp"), zk.sessionId()));
        assertThat(normalize(ours.byPath().get("dump"), ours.sessionId()))
                .contains("\"SESSION\" : [ \"/w/e\" ]");
        assertThat(normalize(zk.byPath().get("dump"), zk.sessionId()))
                .contains("\"SESSION\" : [ \"/w/e\" ]");
        assertThat(ours.byPath().get("cons").json().at("/connections/0/session_id").asLong())
                .isEqualTo(ours.sessionId());
        assertThat(ours.byPath().get("cons").json().at("/connections/0/last_operation").asText())
                .isEqualTo(zk.byPath().get("cons").json().at("/connections/0/last_operation").asText());
    }

    @Test
    void unknownCommandsListAndAuthorizationAsZooKeeper() throws Exception {
        Run zk = reference();
        Run ours = corral();
        for (String c : List.of("unknown", "snapshot", "restore", "malformed")) {
            Reply z = zk.byPath().get(c);
            Reply o = ours.byPath().get(c);
            assertThat(o.status()).as(c).isEqualTo(z.status());
            assertThat(o.json()).as(c).isEqualTo(z.json());
        }
        assertThat(ours.byPath().get("malformed").status()).isEqualTo(400);
        Set<String> zkNames = links(zk.byPath().get("list").body());
        Set<String> ourNames = links(ours.byPath().get("list").body());
        // Every command ZooKeeper lists is in Corral's list, and the only others are Corral's own leadership
        // transfer commands (ClickHouse Keeper's rqld/ydld; docs/ensemble.md).
        assertThat(ourNames).containsAll(zkNames);
        Set<String> extra = new TreeSet<>(ourNames);
        extra.removeAll(zkNames);
        assertThat(extra).containsExactlyInAnyOrder("request_leadership", "yield_leadership");
        assertThat(ourNames).contains("ruok", "server_stats", "stats", "configuration", "connections",
                "connection_stat_reset", "environment", "watch_summary", "watches", "watches_by_path", "dump",
                "leader", "is_read_only", "dirs", "voting_view", "zabstate", "monitor", "snapshot", "restore");
    }

    /** As ZooKeeper ("Problem starting AdminServer"): a taken admin port costs the admin commands, not the server. */
    @Test
    void aTakenAdminPortLeavesTheServerServing() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            ServerConfig config = ServerConfig.standalone("127.0.0.1", 0, dir.resolve("taken"))
                    .withMonitoring(MonitoringConfig.admin("127.0.0.1", taken.getLocalPort()));
            try (CorralServer server = CorralServer.start(config);
                 org.apache.zookeeper.ZooKeeper zk = dev.corral.server.it.ServersAccess.connect(
                         "127.0.0.1:" + server.port(), 10_000)) {
                assertThat(server.adminPort()).isEqualTo(-1);
                zk.create("/up", null, org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        org.apache.zookeeper.CreateMode.PERSISTENT);
                assertThat(zk.exists("/up", false)).isNotNull();
            }
        }
    }

    @Test
    void readyAndResetAndStatusCodes() throws Exception {
        ServerConfig config = ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral"))
                .withMonitoring(MonitoringConfig.admin("127.0.0.1", 0));
        try (CorralServer server = CorralServer.start(config)) {
            int port = server.adminPort();
            Reply ready = get(port, "/ready", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("ready").asBoolean()).isTrue();
            assertThat(ready.json().get("mode").asText()).isEqualTo("standalone");
            ZooKeeper zk = Servers.connect("127.0.0.1:" + server.port(), 30000, null);
            zk.exists("/", false);
            zk.create("/timed", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            // The stages Corral times fill ZooKeeper's summaries: reads, writes up to their fsync, the fsync.
            JsonNode mntr = get(port, "/commands/mntr", null).json();
            for (String name : List.of("readlatency", "updatelatency", "fsynctime")) {
                assertThat(mntr.get("cnt_" + name).asLong()).as(name).isPositive();
            }
            assertThat(mntr.get("p99_readlatency").asLong()).isGreaterThanOrEqualTo(mntr.get("min_readlatency").asLong());
            assertThat(get(port, "/commands/srvr", null).json().at("/server_stats/packets_received").asLong())
                    .isPositive();
            get(port, "/commands/srst", null);
            assertThat(get(port, "/commands/srvr", null).json().at("/server_stats/packets_received").asLong())
                    .isZero();
            assertThat(get(port, "/commands/cons", null).json().at("/connections/0/packets_received").asLong())
                    .isPositive();
            get(port, "/commands/crst", null);
            assertThat(get(port, "/commands/cons", null).json().at("/connections/0/packets_received").asLong())
                    .isZero();
            zk.close();
            assertThat(get(port, "/elsewhere", null).status()).isEqualTo(404);
            // The root's ACL is world:anyone ALL, as ZooKeeper's: any identity may take a snapshot.
            assertThat(get(port, "/commands/snapshot", "digest super:secret").status()).isEqualTo(200);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** set_trace_mask as ZooKeeper answers it: with a mask, without one, with one that is not a number. */
    @Test
    void traceMaskAsZooKeeper() throws Exception {
        ServerConfig config = ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral"))
                .withMonitoring(MonitoringConfig.admin("127.0.0.1", 0));
        try (CorralServer server = CorralServer.start(config)) {
            int port = server.adminPort();
            assertThat(get(port, "/commands/stmk?traceMask=abc", null).json().get("error").asText())
                    .isEqualTo("setTraceMask requires long traceMask argument, got abc");
            assertThat(get(port, "/commands/stmk?traceMask=7", null).json().get("tracemask").asLong()).isEqualTo(7);
            assertThat(get(port, "/commands/gtmk", null).json().get("tracemask").asLong()).isEqualTo(7);
            assertThat(get(port, "/commands/lsnp", null).json().get("zxid").asText()).isEqualTo("ffffffffffffffff");
            assertThat(get(port, "/commands/snapshot", "digest any:one").status()).isEqualTo(200);
            assertThat(get(port, "/commands/lsnp", null).json().get("timestamp").asLong()).isPositive();
        }
    }

    private static String normalize(Reply r, long sessionId) {
        return r.body().replace(Long.toString(sessionId), "SESSION");
    }

    private static Set<String> links(String html) {
        Set<String> names = new TreeSet<>();
        var m = java.util.regex.Pattern.compile("<a href=\"/commands/([a-z_]+)\">").matcher(html);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
