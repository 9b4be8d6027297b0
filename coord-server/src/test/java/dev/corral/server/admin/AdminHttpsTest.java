package dev.corral.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.server.CorralServer;
import dev.corral.server.FreePorts;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ZooCfg;
import dev.corral.server.it.Servers;
import dev.corral.server.tls.TestCerts;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.admin.JettyAdminServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer over HTTPS side by side with ZooKeeper 3.9.5's JettyAdminServer, both started from the same keys
 * (admin.forceHttps, admin.portUnification, admin.needClientAuth, the ssl.quorum.* stores for the port, ssl.trustStore
 * and authProvider.x509 for the x509 scheme): the same requests, over HTTPS with and without a client certificate
 * and over plain HTTP, get the same statuses, JSON and Strict-Transport-Security header, and the snapshot command
 * authorizes the certificate's subject against the ACL of {@code /}; admin.idleTimeout and admin.httpVersion as
 * ZooKeeper reads them.
 */
class AdminHttpsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestCerts certs;
    /** ZooKeeper's snapshot interval in ms (its Commands class reads it once per JVM); Corral gets the same. */
    static long snapshotIntervalMs;
    static long zkIntervalSetting;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        certs = TestCerts.shared();
        java.lang.reflect.Field f = Class.forName("org.apache.zookeeper.server.admin.Commands")
                .getDeclaredField("rateLimiterInterval");
        f.setAccessible(true);
        zkIntervalSetting = f.getLong(null);
        snapshotIntervalMs = zkIntervalSetting / 1000;
    }

    /** Who makes a request: over HTTPS with a client certificate (a TestCerts store name), without one, or plain. */
    enum Via { ALICE, BOB, ADMIN, NO_CERT, PLAIN }

    /** One step's outcome, comparable: the status and JSON, or how the connection failed. */
    record Step(String name, String outcome) {
    }

    /** One server under test: its client address and admin port. */
    record Target(String connect, int adminPort) {
    }

    interface Scenario {
        void run(Target t, List<Step> steps) throws Exception;
    }

    static Map<String, String> keys(boolean forceHttps, boolean unified, boolean needClientAuth) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("ssl.quorum.keyStore.location", certs.path("server.p12"));
        k.put("ssl.quorum.keyStore.password", TestCerts.PASSWORD);
        k.put("ssl.quorum.trustStore.location", certs.path("trust.p12"));
        k.put("ssl.quorum.trustStore.password", TestCerts.PASSWORD);
        k.put("ssl.trustStore.location", certs.path("trust.p12"));
        k.put("ssl.trustStore.password", TestCerts.PASSWORD);
        k.put("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        k.put("X509AuthenticationProvider.superUser", TestCerts.ADMIN);
        k.put("admin.forceHttps", Boolean.toString(forceHttps));
        k.put("admin.portUnification", Boolean.toString(unified));
        k.put("admin.needClientAuth", Boolean.toString(needClientAuth));
        return k;
    }

    // ---- the requests ----

    static SSLContext ssl(String client) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load("trust.p12"));
        KeyManagerFactory kmf = null;
        if (client != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(client + ".p12"), TestCerts.PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static KeyStore load(String file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(certs.path(file)))) {
            ks.load(in, TestCerts.PASSWORD.toCharArray());
        }
        return ks;
    }

    /** A GET on a fresh client (no connection reuse across identities); the outcome as comparable text. */
    static String get(int port, Via via, String path, String authorization) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (via != Via.PLAIN) {
            b.sslContext(ssl(switch (via) {
                case ALICE -> "alice";
                case BOB -> "bob";
                case ADMIN -> "admin";
                default -> null;
            }));
        }
        String scheme = via == Via.PLAIN ? "http" : "https";
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path)).GET();
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpClient client = b.build();
        try {
            HttpResponse<byte[]> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            String type = resp.headers().firstValue("Content-Type").orElse("");
            String body = type.startsWith("application/json") ? JSON.readTree(resp.body()).toString() : type;
            return resp.statusCode() + " " + body + headerNames(resp);
        } catch (IOException e) {
            // A failed handshake: the client sees an SSLException, a reset or a closed connection, depending on
            // timing; all of them are "no answer".
            return "no answer over TLS";
        }
    }

    static String headerNames(HttpResponse<?> r) {
        List<String> names = new ArrayList<>();
        for (String h : List.of("last_zxid", "snapshot_size")) {
            r.headers().firstValue(h).ifPresent(v -> names.add(h));
        }
        // Jetty's SecureRequestCustomizer, which ZooKeeper installs on its HTTPS connector: the value too.
        r.headers().firstValue("Strict-Transport-Security").ifPresent(v -> names.add("sts=" + v));
        return names.isEmpty() ? "" : " " + names;
    }

    /** A plain HTTP request on a raw socket: what comes back before the connection ends. */
    static String plainOnTlsPort(int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /commands/ruok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                byte[] buf = new byte[4096];
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return "still open after 5 s, " + describe(got.toByteArray());
            } catch (IOException e) {
                // reset: the same as a close for a client
            }
            return "closed, " + describe(got.toByteArray());
        }
    }

    static String describe(byte[] b) {
        if (b.length == 0) {
            return "nothing received";
        }
        String text = new String(b, StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/")) {
            return "HTTP answer: " + text.substring(0, text.indexOf('\r'));
        }
        return b[0] == 0x15 ? "a TLS alert " + java.util.HexFormat.of().formatHex(b) : "bytes "
                + java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, 16));
    }

    static void protectRoot(String connect) throws Exception {
        ZooKeeper zk = Servers.connect(connect, 30000, null);
        zk.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE)),
                new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")))), -1);
        zk.close();
    }

    static void step(List<Step> steps, String name, String outcome) {
        steps.add(new Step(name, outcome));
    }

    // ---- the scenarios ----

    /** forceHttps with client certificates required: the x509 subject against the root's ACL. */
    static void forcedWithCertificates(Target t, List<Step> steps) throws Exception {
        protectRoot(t.connect());
        int p = t.adminPort();
        step(steps, "ruok", get(p, Via.ALICE, "/commands/ruok", null));
        step(steps, "is_read_only", get(p, Via.ALICE, "/commands/is_read_only", null));
        step(steps, "gtmk", get(p, Via.ALICE, "/commands/gtmk", null));
        step(steps, "snapshot without header", get(p, Via.ALICE, "/commands/snapshot", null));
        step(steps, "snapshot x509 bob (no ALL on /)", get(p, Via.BOB, "/commands/snapshot", "x509"));
        step(steps, "snapshot digest over TLS", get(p, Via.ALICE, "/commands/snapshot", "digest alice:pw"));
        step(steps, "snapshot x509 alice (ALL on /)", get(p, Via.ALICE, "/commands/snapshot", "x509"));
        Thread.sleep(snapshotIntervalMs + 300);
        step(steps, "snapshot x509 with auth data", get(p, Via.ALICE, "/commands/snapshot", "x509 whatever"));
        Thread.sleep(snapshotIntervalMs + 300);
        step(steps, "snapshot x509 superUser", get(p, Via.ADMIN, "/commands/snapshot", "x509"));
        step(steps, "no client certificate", get(p, Via.NO_CERT, "/commands/ruok", null));
        step(steps, "plain HTTP", plainOnTlsPort(p));
    }

    /** forceHttps without client authentication: no certificate is asked for, so x509 authenticates no one. */
    static void forcedWithoutCertificates(Target t, List<Step> steps) throws Exception {
        protectRoot(t.connect());
        int p = t.adminPort();
        step(steps, "ruok", get(p, Via.NO_CERT, "/commands/ruok", null));
        step(steps, "snapshot x509 without certificate", get(p, Via.NO_CERT, "/commands/snapshot", "x509"));
        step(steps, "snapshot x509 with a certificate not asked for", get(p, Via.ALICE, "/commands/snapshot",
                "x509"));
        step(steps, "plain HTTP", plainOnTlsPort(p));
    }

    /** portUnification: plain and TLS on one port. */
    static void unified(Target t, List<Step> steps) throws Exception {
        protectRoot(t.connect());
        int p = t.adminPort();
        step(steps, "ruok plain", get(p, Via.PLAIN, "/commands/ruok", null));
        step(steps, "ruok TLS", get(p, Via.ALICE, "/commands/ruok", null));
        step(steps, "gtmk plain", get(p, Via.PLAIN, "/commands/gtmk", null));
        step(steps, "snapshot x509 plain", get(p, Via.PLAIN, "/commands/snapshot", "x509"));
        step(steps, "snapshot x509 bob TLS", get(p, Via.BOB, "/commands/snapshot", "x509"));
        step(steps, "snapshot x509 alice TLS", get(p, Via.ALICE, "/commands/snapshot", "x509"));
        step(steps, "TLS without certificate", get(p, Via.NO_CERT, "/commands/ruok", null));
    }

    @Test
    void forceHttpsWithClientCertificatesAsZooKeeper() throws Exception {
        List<Step> ours = compare(keys(true, false, true), AdminHttpsTest::forcedWithCertificates);
        assertThat(ours.stream().map(s -> s.outcome().substring(0, 3)).toList())
                .containsExactly("200", "200", "200", "401", "403", "403", "200", "200", "200", "no ", "clo");
    }

    @Test
    void forceHttpsWithoutClientAuthAsZooKeeper() throws Exception {
        List<Step> ours = compare(keys(true, false, false), AdminHttpsTest::forcedWithoutCertificates);
        assertThat(ours.stream().map(s -> s.outcome().substring(0, 3)).toList())
                .containsExactly("200", "401", "401", "clo");
    }

    @Test
    void portUnificationServesBothAsZooKeeper() throws Exception {
        List<Step> ours = compare(keys(false, true, true), AdminHttpsTest::unified);
        assertThat(ours.stream().map(s -> s.outcome().substring(0, 3)).toList())
                .containsExactly("200", "200", "200", "401", "403", "200", "no ");
    }

    @Test
    void badKeyMaterialStopsStartUpNamingTheKey() {
        Map<String, String> noKey = keys(true, false, false);
        noKey.remove("ssl.quorum.keyStore.location");
        assertThatThrownBy(() -> ZooCfg.parse(props(noKey, dir), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ssl.quorum.keyStore.location");
        Map<String, String> wrongPassword = keys(false, true, false);
        wrongPassword.put("ssl.quorum.keyStore.password", "wrong");
        assertThatThrownBy(() -> ZooCfg.parse(props(wrongPassword, dir), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ssl.quorum.keyStore");
        Map<String, String> missingTrust = keys(true, false, true);
        missingTrust.put("ssl.quorum.trustStore.location", dir.resolve("nowhere.p12").toString());
        assertThatThrownBy(() -> ZooCfg.parse(props(missingTrust, dir), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ssl.quorum.trustStore");
        Map<String, String> notBoolean = keys(true, false, false);
        notBoolean.put("admin.forceHttps", "yes");
        assertThatThrownBy(() -> ZooCfg.parse(props(notBoolean, dir), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.forceHttps");
    }

    /** A plain GET on a raw keep-alive connection, then how long the server leaves the idle connection open. */
    static void idleConnection(Target t, List<Step> steps) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", t.adminPort()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /commands/ruok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            step(steps, "answer", describe(java.util.Arrays.copyOf(buf, Math.max(n, 0))));
            long t0 = System.nanoTime();
            String end;
            try {
                while (in.read(buf) > 0) {
                    // the rest of the answer, if it came in pieces
                }
                end = "closed";
            } catch (SocketTimeoutException e) {
                end = "still open";
            } catch (IOException e) {
                end = "closed";
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // With admin.idleTimeout=1000 both close after about a second; the bucket keeps timing out of the record.
            step(steps, "idle", end + (ms < 500 ? " at once" : ms < 5000 ? " after 0.5-5 s" : " after 5 s or more"));
        }
    }

    @Test
    void idleTimeoutClosesIdleConnectionsAsZooKeeper() throws Exception {
        Map<String, String> k = keys(false, false, false);
        k.put("admin.idleTimeout", "1000");
        List<Step> ours = compare(k, AdminHttpsTest::idleConnection);
        assertThat(ours.get(0).outcome()).startsWith("HTTP answer: HTTP/1.1 200");
        assertThat(ours.get(1).outcome()).isEqualTo("closed after 0.5-5 s");
    }

    @Test
    void httpVersionOtherThan11StopsAnHttpsAdminPortAsZooKeeper() throws Exception {
        Map<String, String> k = keys(true, false, false);
        k.put("admin.httpVersion", "20");
        // ZooKeeper: its TLS connector names a next protocol Jetty has no factory for; the AdminServer cannot start.
        k.forEach((key, v) -> System.setProperty("zookeeper." + key, v));
        try {
            JettyAdminServer admin = new JettyAdminServer("127.0.0.1", FreePorts.next(), 30000, "/commands", 20,
                    false, true, false);
            assertThatThrownBy(admin::start).isInstanceOf(
                    org.apache.zookeeper.server.admin.AdminServer.AdminServerException.class);
            admin.shutdown();
        } finally {
            k.keySet().forEach(key -> System.clearProperty("zookeeper." + key));
        }
        assertThatThrownBy(() -> ZooCfg.parse(props(k, dir), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.httpVersion");
        // On a plain port ZooKeeper never reads it: accepted, as there.
        Map<String, String> plain = keys(false, false, false);
        plain.put("admin.httpVersion", "20");
        ZooCfg.parse(props(plain, dir), dir);
        Map<String, String> notInteger = keys(false, false, false);
        notInteger.put("admin.idleTimeout", "30s");
        assertThatThrownBy(() -> ZooCfg.parse(props(notInteger, dir), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.idleTimeout");
    }

    // ---- the two servers ----

    List<Step> compare(Map<String, String> keys, Scenario scenario) throws Exception {
        List<Step> zk = reference(keys, scenario);
        List<Step> ours = corral(keys, scenario);
        for (int i = 0; i < Math.min(zk.size(), ours.size()); i++) {
            assertThat(ours.get(i).outcome()).as(zk.get(i).name()).isEqualTo(zk.get(i).outcome());
        }
        assertThat(ours).hasSameSizeAs(zk);
        return ours;
    }

    List<Step> reference(Map<String, String> keys, Scenario scenario) throws Exception {
        keys.forEach((k, v) -> System.setProperty("zookeeper." + k, v));
        ProviderRegistry.reset();
        File data = Files.createDirectories(dir.resolve("zk")).toFile();
        ZooKeeperServer zks = new ZooKeeperServer(data, data, 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        JettyAdminServer admin = null;
        try {
            factory.startup(zks);
            int adminPort = FreePorts.next();
            admin = new JettyAdminServer("127.0.0.1", adminPort,
                    Integer.parseInt(keys.getOrDefault("admin.idleTimeout", "30000")), "/commands",
                    Integer.parseInt(keys.getOrDefault("admin.httpVersion", "11")),
                    Boolean.parseBoolean(keys.get("admin.portUnification")),
                    Boolean.parseBoolean(keys.get("admin.forceHttps")),
                    Boolean.parseBoolean(keys.get("admin.needClientAuth")));
            admin.setZooKeeperServer(zks);
            admin.start();
            List<Step> steps = new ArrayList<>();
            scenario.run(new Target("127.0.0.1:" + factory.getLocalPort(), adminPort), steps);
            return steps;
        } finally {
            if (admin != null) {
                admin.shutdown();
            }
            factory.shutdown();
            zks.shutdown();
            keys.keySet().forEach(k -> System.clearProperty("zookeeper." + k));
            ProviderRegistry.reset();
        }
    }

    List<Step> corral(Map<String, String> keys, Scenario scenario) throws Exception {
        try (CorralServer server = CorralServer.start(ZooCfg.parse(props(keys, dir), dir))) {
            List<Step> steps = new ArrayList<>();
            scenario.run(new Target("127.0.0.1:" + server.port(), server.adminPort()), steps);
            return steps;
        }
    }

    static Properties props(Map<String, String> keys, Path dir) {
        Properties p = new Properties();
        p.putAll(keys);
        p.setProperty("dataDir", dir.resolve("corral").toString());
        p.setProperty("clientPort", "0");
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.serverAddress", "127.0.0.1");
        p.setProperty("admin.serverPort", "0");
        p.setProperty("admin.rateLimiterIntervalInMS", Long.toString(zkIntervalSetting));
        return p;
    }
}
