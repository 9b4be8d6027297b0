package dev.corral.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.server.CorralServer;
import dev.corral.server.FreePorts;
import dev.corral.server.config.ZooCfg;
import dev.corral.server.it.Servers;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.admin.JettyAdminServer;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot and restore commands side by side with ZooKeeper 3.9.5's: the same sequence of requests (missing,
 * malformed, unknown-scheme, unauthorized and authorized credentials; disabled commands; rate limits; the wrong
 * method) gets the same statuses and JSON from both. Then Corral's own archive: a snapshot restored into another
 * server gives back the same tree, Stat for Stat, and the sessions with it.
 */
class SnapshotRestoreTest {
    /**
     * ZooKeeper reads the interval once, when its Commands class loads, and applies it in microseconds to snapshots
     * and in milliseconds to restores: asked for, one snapshot per 1.5 s and one restore per 25 minutes. If another
     * test loaded the class first, its value stands; {@link #interval} is whatever ZooKeeper has, and Corral gets the
     * same.
     */
    static final long WANTED_INTERVAL = 1_500_000;
    static long interval;

    @BeforeAll
    static void zooKeeperInterval() throws Exception {
        System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        System.setProperty("zookeeper.admin.rateLimiterIntervalInMS", Long.toString(WANTED_INTERVAL));
        try {
            java.lang.reflect.Field f = Class.forName("org.apache.zookeeper.server.admin.Commands")
                    .getDeclaredField("rateLimiterInterval");
            f.setAccessible(true);
            interval = f.getLong(null);
        } finally {
            // Only ZooKeeper's class needed it: later tests (and Corral's config parsing) see no such property.
            System.clearProperty("zookeeper.admin.rateLimiterIntervalInMS");
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String ADMIN = "digest admin:secret";

    @TempDir
    Path dir;

    record Reply(int status, String contentType, Map<String, String> headers, byte[] body) {
        JsonNode json() throws Exception {
            return contentType.startsWith("application/json") ? JSON.readTree(body) : null;
        }
    }

    static Reply send(int port, String method, String path, String authorization, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : List.of("last_zxid", "snapshot_size")) {
            r.headers().firstValue(h).ifPresent(v -> headers.put(h, v));
        }
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), headers, r.body());
    }

    /** One step of the sequence, as comparable text: status, JSON (or the content type), the header names. */
    record Step(String name, int status, String json, List<String> headers) {
    }

    interface Toggle {
        void set(boolean snapshotEnabled, boolean restoreEnabled) throws Exception;
    }

    /** The sequence, against a server whose root is writable by {@code admin:secret} only. */
    static List<Step> sequence(String connect, int port, int disabledPort, Toggle toggle) throws Exception {
        ZooKeeper zk = Servers.connect(connect, 30000, null);
        zk.create("/data", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest",
                DigestAuthenticationProvider.generateDigest("admin:secret"))),
                new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")))), -1);
        zk.close();
        List<Step> steps = new ArrayList<>();
        String snap = "/commands/snapshot";
        String rest = "/commands/restore";
        step(steps, "no auth", send(port, "GET", snap, null, null));
        step(steps, "basic", send(port, "GET", snap, "Basic YWRtaW46c2VjcmV0", null));
        step(steps, "digest without data", send(port, "GET", snap, "digest", null));
        step(steps, "three parts", send(port, "GET", snap, "digest admin:secret extra", null));
        step(steps, "wrong password", send(port, "GET", snap, "digest admin:wrong", null));
        step(steps, "ip not in acl", send(port, "GET", snap, "ip", null));
        step(steps, "restore no auth", send(port, "POST", rest, null, new byte[] {1}));
        step(steps, "restore unauthorized", send(port, "POST", rest, "digest other:pw", new byte[] {1}));
        step(steps, "restore by GET", send(port, "GET", rest, ADMIN, null));
        toggle.set(false, false);
        step(steps, "snapshot disabled", send(disabledPort, "GET", snap, ADMIN, null));
        step(steps, "restore disabled", send(disabledPort, "POST", rest, ADMIN, new byte[] {1}));
        toggle.set(true, true);
        Reply first = send(port, "GET", snap, ADMIN, null);
        step(steps, "snapshot", first);
        assertThat(first.headers().get("snapshot_size")).isEqualTo(Integer.toString(first.body().length));
        assertThat(first.headers().get("last_zxid")).matches("0x[0-9a-f]+");
        step(steps, "snapshot again at once", send(port, "GET", snap, ADMIN, null));
        Thread.sleep(interval / 1000 + 200);
        Reply notStreamed = send(port, "GET", snap + "?streaming=false", ADMIN, null);
        step(steps, "snapshot not streamed", notStreamed);
        Reply restored = send(port, "POST", rest, ADMIN, first.body());
        step(steps, "restore", restored);
        assertThat(restored.json().get("last_zxid").asLong())
                .isEqualTo(Long.decode(first.headers().get("last_zxid")));
        step(steps, "restore again at once", send(port, "POST", rest, ADMIN, first.body()));
        step(steps, "unknown command", send(port, "GET", "/commands/nope", ADMIN, null));
        return steps;
    }

    static void step(List<Step> steps, String name, Reply r) throws Exception {
        JsonNode json = r.json();
        steps.add(new Step(name, r.status(), json == null ? r.contentType() : json.toString(),
                List.copyOf(r.headers().keySet())));
    }

    @Test
    void snapshotAndRestoreAnswerAsZooKeeper() throws Exception {
        List<Step> zk = reference();
        List<Step> ours = corral();
        for (int i = 0; i < zk.size(); i++) {
            Step z = zk.get(i);
            Step o = ours.get(i);
            assertThat(o.status()).as(z.name()).isEqualTo(z.status());
            assertThat(o.headers()).as(z.name()).isEqualTo(z.headers());
            if (z.name().equals("restore by GET")) {
                // ZooKeeper fails inside its servlet (Jetty's 500 page); Corral says why, as JSON.
                continue;
            }
            if (z.name().equals("restore")) {
                assertThat(JSON.readTree(o.json()).get("command")).isEqualTo(JSON.readTree(z.json()).get("command"));
                assertThat(JSON.readTree(o.json()).has("last_zxid")).isTrue();
                continue;
            }
            assertThat(o.json()).as(z.name()).isEqualTo(z.json());
        }
        assertThat(ours).hasSameSizeAs(zk);
        assertThat(ours.stream().map(Step::status).toList()).containsExactly(401, 401, 401, 401, 403, 403, 401,
                403, 500, 503, 503, 200, 429, 200, 200, 429, 200);
    }

    List<Step> reference() throws Exception {
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
            return sequence("127.0.0.1:" + factory.getLocalPort(), adminPort, adminPort, (s, r) -> {
                System.setProperty("zookeeper.admin.snapshot.enabled", Boolean.toString(s));
                System.setProperty("zookeeper.admin.restore.enabled", Boolean.toString(r));
            });
        } finally {
            System.clearProperty("zookeeper.admin.snapshot.enabled");
            System.clearProperty("zookeeper.admin.restore.enabled");
            admin.shutdown();
            factory.shutdown();
            zks.shutdown();
        }
    }

    /**
     * Corral reads its settings at start: the disabled steps go to a second server started with them off (its root
     * is open to all, so the request passes authorization there and meets the disabled check).
     */
    List<Step> corral() throws Exception {
        try (CorralServer on = CorralServer.start(ZooCfg.parse(props("on"), null));
             CorralServer off = CorralServer.start(ZooCfg.parse(withDisabled(props("off")), null))) {
            return sequence("127.0.0.1:" + on.port(), on.adminPort(), off.adminPort(), (s, r) -> { });
        }
    }

    Properties props(String name) {
        Properties p = new Properties();
        p.setProperty("dataDir", dir.resolve(name).toString());
        p.setProperty("clientPort", "0");
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.serverAddress", "127.0.0.1");
        p.setProperty("admin.serverPort", "0");
        p.setProperty("admin.rateLimiterIntervalInMS", Long.toString(interval));
        return p;
    }

    static Properties withDisabled(Properties p) {
        p.setProperty("admin.snapshot.enabled", "false");
        p.setProperty("admin.restore.enabled", "false");
        return p;
    }
}
