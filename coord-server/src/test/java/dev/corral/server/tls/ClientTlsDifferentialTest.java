package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.ClientInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock Java client over TLS (ClientCnxnSocketNetty, {@code zookeeper.client.secure=true}, certificates set per
 * client in a ZKClientConfig) against Corral and against ZooKeeper 3.9.5 started from the same keys; every test
 * records what the clients see on each server and asserts the two records are equal.
 */
class ClientTlsDifferentialTest {
    private static final int REFUSED_AFTER_MS = 4000;

    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.shared();
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("zookeeper.4lw.commands.whitelist");
    }

    interface Scenario {
        void run(TlsTargets.Target target, Map<String, String> seen) throws Exception;
    }

    /** Runs {@code scenario} against ZooKeeper, then Corral, with the same keys, and compares what was seen. */
    private static void compare(String name, Map<String, String> keys, boolean unified, Scenario scenario)
            throws Exception {
        Map<String, String> reference = new LinkedHashMap<>();
        Map<String, String> ours = new LinkedHashMap<>();
        Path base = Files.createDirectories(dir.resolve(name));
        try (TlsTargets.Target zk = TlsTargets.zookeeper(base.resolve("ref"), keys, unified)) {
            scenario.run(zk, reference);
        } finally {
            TlsTargets.clearProperties(keys);
        }
        try (TlsTargets.Target corral = TlsTargets.corral(base.resolve("ours"), keys, unified)) {
            scenario.run(corral, ours);
        }
        System.out.println(name + " (zookeeper): " + reference);
        assertThat(ours).as(name).containsExactlyEntriesOf(reference);
    }

    @Test
    void certificatesAuthenticateAndX509AclsMatchTheSubject() throws Exception {
        compare("acls", TlsTargets.secureKeys(certs), false, (t, seen) -> {
            try (ZooKeeper alice = connect(t.tlsAddress(), tls("alice.p12", "trust.p12"))) {
                seen.put("alice whoAmI", whoAmI(alice));
                seen.put("alice create", outcome(() -> alice.create("/alice", "a".getBytes(),
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE))), CreateMode.PERSISTENT)));
                seen.put("alice read", outcome(() -> new String(alice.getData("/alice", false, null))));
                seen.put("alice create auth", outcome(() -> alice.create("/alice-auth", new byte[0],
                        ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
                seen.put("alice-auth acl", outcome(() -> alice.getACL("/alice-auth", null).toString()));
                seen.put("bad x509 id", outcome(() -> alice.create("/bad", new byte[0],
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("x509", "not a distinguished name"))),
                        CreateMode.PERSISTENT)));
                // A name that means the same subject but is spelt differently does not match: the match is exact.
                seen.put("alice spaced", outcome(() -> alice.create("/alice-spaced", new byte[0],
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("x509", "CN=alice, OU=clients, O=Corral"))),
                        CreateMode.PERSISTENT)));
                seen.put("alice read spaced", outcome(() -> alice.getData("/alice-spaced", false, null).length));
            }
            try (ZooKeeper bob = connect(t.tlsAddress(), tls("bob.p12", "trust.p12"))) {
                seen.put("bob whoAmI", whoAmI(bob));
                seen.put("bob read", outcome(() -> new String(bob.getData("/alice", false, null))));
                seen.put("bob write", outcome(() -> bob.setData("/alice", "b".getBytes(), -1).getVersion()));
                seen.put("bob read alice-auth", outcome(() -> bob.getData("/alice-auth", false, null).length));
            }
            try (ZooKeeper admin = connect(t.tlsAddress(), tls("admin.p12", "trust.p12"))) {
                seen.put("admin whoAmI", whoAmI(admin));
                seen.put("admin read", outcome(() -> new String(admin.getData("/alice", false, null))));
                seen.put("admin write", outcome(() -> admin.setData("/alice", "s".getBytes(), -1).getVersion()));
                seen.put("admin create auth", outcome(() -> admin.create("/admin-auth", new byte[0],
                        ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
                seen.put("admin-auth acl", outcome(() -> admin.getACL("/admin-auth", null).toString()));
            }
        });
    }

    @Test
    void refusedClients() throws Exception {
        compare("refused", TlsTargets.secureKeys(certs), false, (t, seen) -> {
            seen.put("no certificate (clientAuth=need)", tryConnect(t.tlsAddress(), tls(null, "trust.p12")));
            seen.put("server not trusted", tryConnect(t.tlsAddress(), tls("alice.p12", "other-trust.p12")));
            seen.put("client signed by another CA", tryConnect(t.tlsAddress(), tls("rogue.p12", "trust.p12")));
            seen.put("expired certificate", tryConnect(t.tlsAddress(), tls("expired.p12", "trust.p12")));
            seen.put("plain client on the TLS port", tryConnect(t.tlsAddress(), new ZKClientConfig()));
            seen.put("good certificate", tryConnect(t.tlsAddress(), tls("alice.p12", "trust.p12")));
        });
    }

    @Test
    void clientAuthWantLetsClientsWithoutACertificateIn() throws Exception {
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        keys.put("ssl.clientAuth", "want");
        compare("want", keys, false, (t, seen) -> {
            try (ZooKeeper anon = connect(t.tlsAddress(), tls(null, "trust.p12"))) {
                seen.put("anonymous whoAmI", whoAmI(anon));
                seen.put("anonymous create auth", outcome(() -> anon.create("/a", new byte[0],
                        ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
                seen.put("anonymous create x509", outcome(() -> anon.create("/x", "x".getBytes(),
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE))), CreateMode.PERSISTENT)));
                seen.put("anonymous read x509", outcome(() -> anon.getData("/x", false, null).length));
            }
            try (ZooKeeper alice = connect(t.tlsAddress(), tls("alice.p12", "trust.p12"))) {
                seen.put("alice whoAmI", whoAmI(alice));
                seen.put("alice read x509", outcome(() -> new String(alice.getData("/x", false, null))));
            }
        });
    }

    @Test
    void clientAuthNoneAsksForNoCertificate() throws Exception {
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        keys.put("ssl.clientAuth", "none");
        compare("none", keys, false, (t, seen) -> {
            try (ZooKeeper alice = connect(t.tlsAddress(), tls("alice.p12", "trust.p12"))) {
                seen.put("alice whoAmI", whoAmI(alice));
            }
            seen.put("no certificate", tryConnect(t.tlsAddress(), tls(null, "trust.p12")));
        });
    }

    @Test
    void clientHostnameVerificationRefusesCertificatesThatDoNotNameTheClient() throws Exception {
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        keys.put("ssl.clientHostnameVerification", "true");
        compare("client-hostname", keys, false, (t, seen) ->
                seen.put("alice (no subject alternative name)", tryConnect(t.tlsAddress(), tls("alice.p12",
                        "trust.p12"))));
    }

    @Test
    void pemAndJksStores() throws Exception {
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        keys.put("ssl.keyStore.location", certs.path("server.pem"));
        keys.remove("ssl.keyStore.password");
        keys.put("ssl.trustStore.location", certs.path("trust.jks"));
        compare("pem-jks", keys, false, (t, seen) -> {
            seen.put("alice", tryConnect(t.tlsAddress(), tls("alice.p12", "trust.pem")));
            seen.put("bob", tryConnect(t.tlsAddress(), tls("bob.p12", "trust.p12")));
        });
    }

    @Test
    void protocolsAreThoseConfigured() throws Exception {
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        keys.put("ssl.protocol", "TLSv1.2");
        compare("protocols", keys, false, (t, seen) -> {
            for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                seen.put(protocol, ruokOverTls(t.tlsAddress(), protocol));
            }
        });
    }

    @Test
    void fourLetterWordsOverTls() throws Exception {
        compare("4lw", TlsTargets.secureKeys(certs), false, (t, seen) -> {
            seen.put("ruok over TLS", ruokOverTls(t.tlsAddress(), "TLSv1.3"));
            seen.put("plain ruok on the TLS port", plainWord(t.tlsAddress(), "ruok"));
        });
    }

    @Test
    void portUnificationServesPlainAndTlsClientsOnOnePort() throws Exception {
        compare("unified", TlsTargets.secureKeys(certs), true, (t, seen) -> {
            seen.put("same port", String.valueOf(t.tlsAddress().equals(t.plainAddress())));
            try (ZooKeeper alice = connect(t.tlsAddress(), tls("alice.p12", "trust.p12"))) {
                seen.put("TLS whoAmI", whoAmI(alice));
                seen.put("TLS create", outcome(() -> alice.create("/u", "u".getBytes(),
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE))), CreateMode.PERSISTENT)));
            }
            try (ZooKeeper plain = connect(t.plainAddress(), new ZKClientConfig())) {
                seen.put("plain whoAmI", whoAmI(plain));
                seen.put("plain read", outcome(() -> plain.getData("/u", false, null).length));
                seen.put("plain create x509", outcome(() -> plain.create("/p", new byte[0],
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.BOB))), CreateMode.PERSISTENT)));
            }
            seen.put("plain ruok", plainWord(t.plainAddress(), "ruok"));
            seen.put("ruok over TLS", ruokOverTls(t.tlsAddress(), "TLSv1.3"));
            seen.put("no certificate", tryConnect(t.tlsAddress(), tls(null, "trust.p12")));
        });
    }

    // ---- clients

    /** A mutable list: the client looks for null entries, which List.of refuses to be asked about. */
    static List<ACL> acl(ACL... entries) {
        return new ArrayList<>(List.of(entries));
    }

    /** A secure client config with its own key and trust stores ({@code keyStore} null: no certificate). */
    static ZKClientConfig tls(String keyStore, String trustStore) {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty("zookeeper.ssl.keyStore.location", keyStore == null ? "" : certs.path(keyStore));
        c.setProperty("zookeeper.ssl.keyStore.password", TestCerts.PASSWORD);
        c.setProperty("zookeeper.ssl.trustStore.location", certs.path(trustStore));
        c.setProperty("zookeeper.ssl.trustStore.password", TestCerts.PASSWORD);
        return c;
    }

    static ZooKeeper connect(String address, ZKClientConfig config) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(address, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        if (!connected.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("no connection to " + address);
        }
        return zk;
    }

    /** "connected" if a session is established within a few seconds, "refused" otherwise. */
    static String tryConnect(String address, ZKClientConfig config) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(address, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        try {
            if (!connected.await(REFUSED_AFTER_MS, TimeUnit.MILLISECONDS)) {
                return "refused";
            }
            zk.exists("/", false);
            return "connected";
        } finally {
            zk.close(1000);
        }
    }

    interface Call {
        Object call() throws Exception;
    }

    static String outcome(Call call) {
        try {
            return "ok " + call.call();
        } catch (KeeperException e) {
            return e.code().name();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static String whoAmI(ZooKeeper zk) throws Exception {
        List<String> ids = new ArrayList<>();
        for (ClientInfo info : zk.whoAmI()) {
            ids.add(info.getAuthScheme() + ":" + info.getUser());
        }
        return ids.toString();
    }

    /** ruok inside a TLS session (as alice), with only {@code protocol} enabled on the client. */
    static String ruokOverTls(String address, String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(load("alice.p12"), TestCerts.PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(load("trust.p12"));
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        String[] hp = address.split(":");
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(hp[0], Integer.parseInt(hp[1]))) {
            s.setEnabledProtocols(new String[] {protocol});
            s.setSoTimeout(5000);
            s.startHandshake();
            s.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return "answer " + readAll(s.getInputStream());
        } catch (IOException e) {
            return "failed";
        }
    }

    static String plainWord(String address, String word) throws Exception {
        String[] hp = address.split(":");
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return "answer '" + readAll(s.getInputStream()) + "'";
        } catch (IOException e) {
            return "failed";
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a reset after the answer is still an answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static KeyStore load(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(certs.path(name)))) {
            ks.load(in, TestCerts.PASSWORD.toCharArray());
        }
        return ks;
    }
}
