package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.config.ClientTlsConfig;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.QuorumTlsConfig;
import dev.corral.server.config.ZooCfg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.common.QuorumX509Util;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quorum TLS keys side by side with ZooKeeper 3.9.5: the same zoo.cfg goes through ZooKeeper's QuorumPeerConfig
 * (which hands the ssl.quorum.* keys on as zookeeper.* system properties) and QuorumX509Util's SSLContext set-up
 * from them, which is what a ZooKeeper member does before its first quorum connection, and through Corral's ZooCfg.
 * What one accepts the other accepts; what one refuses the other refuses, Corral naming the key.
 */
class QuorumTlsCfgTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.shared();
        Files.createDirectories(dir.resolve("zk"));
        Files.writeString(dir.resolve("zk").resolve("myid"), "1\n");
        Files.writeString(dir.resolve("password.txt"), TestCerts.PASSWORD + System.lineSeparator());
        Files.copy(Path.of(certs.path("server.p12")), dir.resolve("server.keystore"));
    }

    @AfterEach
    void clearProperties() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("zookeeper.")) {
                System.clearProperty(name);
            }
        }
    }

    /** sslQuorum=true with PKCS12 key and JKS trust store, then whatever {@code extra} changes (null removes). */
    private static Map<String, String> keys(String... extra) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("sslQuorum", "true");
        k.put("ssl.quorum.keyStore.location", certs.path("server.p12"));
        k.put("ssl.quorum.keyStore.password", TestCerts.PASSWORD);
        k.put("ssl.quorum.trustStore.location", certs.path("trust.jks"));
        k.put("ssl.quorum.trustStore.password", TestCerts.PASSWORD);
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                k.remove(extra[i]);
            } else {
                k.put(extra[i], extra[i + 1]);
            }
        }
        return k;
    }

    private static Properties zooCfg(Map<String, String> keys) {
        Properties p = new Properties();
        p.put("tickTime", "2000");
        p.put("initLimit", "10");
        p.put("syncLimit", "5");
        p.put("dataDir", dir.resolve("zk").toString());
        p.put("clientPort", "2181");
        p.put("server.1", "127.0.0.1:2888:3888");
        p.put("server.2", "127.0.0.1:2889:3889");
        p.put("server.3", "127.0.0.1:2890:3890");
        p.putAll(keys);
        return p;
    }

    /** "ok" or "error: ..." from ZooKeeper: its config parse, then the quorum SSLContext its members build. */
    private static String zooKeeper(Map<String, String> keys) {
        Set<String> before = zkProperties();
        try {
            QuorumPeerConfig c = new QuorumPeerConfig();
            c.parseProperties(zooCfg(keys));
            if (c.isSslQuorum() || c.shouldUsePortUnification()) {
                try (QuorumX509Util x509 = new QuorumX509Util()) {
                    x509.createSSLContextAndOptions(new ZKConfig());
                }
            }
            return "ok";
        } catch (Exception e) {
            return "error: " + e + (e.getCause() == null ? "" : " / " + e.getCause());
        } finally {
            for (String name : zkProperties()) {
                if (!before.contains(name)) {
                    System.clearProperty(name);
                }
            }
        }
    }

    private static Set<String> zkProperties() {
        Set<String> out = new TreeSet<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("zookeeper.")) {
                out.add(name);
            }
        }
        return out;
    }

    /** Corral's parse: the config, or the ConfigException's message. */
    private static Object corral(Map<String, String> keys) {
        try {
            return ZooCfg.parse(zooCfg(keys), dir).quorumTls();
        } catch (ConfigException e) {
            return "error: " + e.getMessage();
        }
    }

    private static QuorumTlsConfig bothAccept(Map<String, String> keys) {
        Object ours = corral(keys);
        assertThat(zooKeeper(keys)).as("ZooKeeper 3.9.5 on %s", keys).isEqualTo("ok");
        assertThat(ours).as("Corral on %s", keys).isInstanceOf(QuorumTlsConfig.class);
        return (QuorumTlsConfig) ours;
    }

    private static String bothRefuse(Map<String, String> keys) {
        Object ours = corral(keys);
        assertThat(zooKeeper(keys)).as("ZooKeeper 3.9.5 on %s", keys).startsWith("error: ");
        assertThat(ours).as("Corral on %s", keys).isInstanceOf(String.class);
        return (String) ours;
    }

    @Test
    void storesInEveryFormatAndPasswordFiles() {
        QuorumTlsConfig c = bothAccept(keys());
        assertThat(c.sslQuorum()).isTrue();
        assertThat(c.portUnification()).isFalse();
        assertThat(c.keyStore().type()).isEqualTo(ClientTlsConfig.StoreType.PKCS12);
        assertThat(c.trustStore().type()).isEqualTo(ClientTlsConfig.StoreType.JKS);
        assertThat(c.enabledProtocols()).containsExactly("TLSv1.3");
        assertThat(c.clientAuth()).isEqualTo(ClientTlsConfig.ClientAuth.NEED);
        // QuorumX509Util verifies both ends' host names unless told not to.
        assertThat(c.hostnameVerification()).isTrue();
        assertThat(c.clientHostnameVerify()).isTrue();

        c = bothAccept(keys("ssl.quorum.keyStore.location", certs.path("server.pem"),
                "ssl.quorum.keyStore.password", null, "ssl.quorum.trustStore.location", certs.path("trust.pem"),
                "ssl.quorum.trustStore.password", null));
        assertThat(c.keyStore().type()).isEqualTo(ClientTlsConfig.StoreType.PEM);
        assertThat(c.trustStore().type()).isEqualTo(ClientTlsConfig.StoreType.PEM);

        c = bothAccept(keys("ssl.quorum.keyStore.password", null,
                "ssl.quorum.keyStore.passwordPath", dir.resolve("password.txt").toString(),
                "ssl.quorum.trustStore.location", certs.path("trust.p12"), "ssl.quorum.trustStore.password", null,
                "ssl.quorum.trustStore.passwordPath", dir.resolve("password.txt").toString()));
        assertThat(c.keyStore().password()).isEqualTo(TestCerts.PASSWORD);

        c = bothAccept(keys("ssl.quorum.keyStore.location", dir.resolve("server.keystore").toString(),
                "ssl.quorum.keyStore.type", "PKCS12", "ssl.quorum.trustStore.type", "jks"));
        assertThat(c.keyStore().type()).isEqualTo(ClientTlsConfig.StoreType.PKCS12);
    }

    @Test
    void protocolsCiphersHostnamesAndRevocation() {
        QuorumTlsConfig c = bothAccept(keys("ssl.quorum.protocol", "TLSv1.2",
                "ssl.quorum.enabledProtocols", "TLSv1.3,TLSv1.2",
                "ssl.quorum.ciphersuites", "TLS_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "ssl.quorum.hostnameVerification", "false", "ssl.quorum.clientAuth", "want",
                "ssl.quorum.crl", "false", "ssl.quorum.ocsp", "false", "sslQuorumReloadCertFiles", "true"));
        assertThat(c.enabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(c.hostnameVerification()).isFalse();
        assertThat(c.clientHostnameVerify()).isFalse();
        assertThat(c.clientAuth()).isEqualTo(ClientTlsConfig.ClientAuth.WANT);

        c = bothAccept(keys("ssl.quorum.protocol", "TLSv1.2", "ssl.quorum.clientHostnameVerification", "false"));
        assertThat(c.enabledProtocols()).containsExactly("TLSv1.2");
        assertThat(c.hostnameVerification()).isTrue();
        assertThat(c.clientHostnameVerify()).isFalse();
    }

    @Test
    void portUnificationAloneAndKeysAsSystemProperties() {
        QuorumTlsConfig c = bothAccept(keys("sslQuorum", null, "portUnification", "true"));
        assertThat(c.sslQuorum()).isFalse();
        assertThat(c.acceptsPlain()).isTrue();
        assertThat(c.acceptsTls()).isTrue();
        assertThat(c.dialsTls()).isFalse();

        // Only sslQuorum in zoo.cfg; the stores as -Dzookeeper.ssl.quorum.* (ZooKeeper reads them from there).
        Map<String, String> fromJvm = keys();
        Map<String, String> cfg = Map.of("sslQuorum", "true");
        fromJvm.forEach((k, v) -> {
            if (k.startsWith("ssl.quorum.")) {
                System.setProperty("zookeeper." + k, v);
            }
        });
        c = bothAccept(cfg);
        assertThat(c.keyStore().location()).isEqualTo(certs.path("server.p12"));
        assertThat(c.trustStore().location()).isEqualTo(certs.path("trust.jks"));

        assertThat(bothAccept(Map.of())).isEqualTo(QuorumTlsConfig.OFF);
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThat(bothRefuse(keys("ssl.quorum.keyStore.password", null)))
                .contains("ssl.quorum.keyStore.password");
        assertThat(bothRefuse(keys("ssl.quorum.keyStore.password", "wrong")))
                .contains("ssl.quorum.keyStore.password");
        assertThat(bothRefuse(keys("ssl.quorum.trustStore.password", "wrong")))
                .contains("ssl.quorum.trustStore");
        assertThat(bothRefuse(keys("ssl.quorum.keyStore.location", dir.resolve("missing.p12").toString())))
                .contains("ssl.quorum.keyStore.location");
        assertThat(bothRefuse(keys("ssl.quorum.keyStore.type", "XYZ"))).contains("ssl.quorum.keyStore.type");
        assertThat(bothRefuse(keys("ssl.quorum.protocol", "TLSv9"))).contains("ssl.quorum.protocol");
        assertThat(bothRefuse(keys("sslQuorum", "yes"))).contains("sslQuorum");
        assertThat(bothRefuse(keys("portUnification", "1"))).contains("portUnification");
    }

    /**
     * A known difference: without a key store ZooKeeper starts and fails every TLS quorum connection (it logs
     * "zookeeper.ssl.quorum.keyStore.location not specified"); Corral refuses to start.
     */
    @Test
    void noKeyStoreStopsCorralWhereZooKeeperOnlyWarns() {
        Map<String, String> k = keys("ssl.quorum.keyStore.location", null, "ssl.quorum.keyStore.password", null);
        assertThat(zooKeeper(k)).isEqualTo("ok");
        assertThat(corral(k)).asString().contains("ssl.quorum.keyStore.location is not set");
    }
}
