package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.config.KeyMaterial;
import dev.corral.server.config.QuorumTlsConfig;
import dev.corral.server.config.ZooCfg;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.X509TrustManager;
import org.apache.zookeeper.common.QuorumX509Util;
import org.apache.zookeeper.common.X509Util;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssl.quorum.crl} / {@code ssl.quorum.ocsp} at the config level, side by side with ZooKeeper 3.9.5: the same
 * zoo.cfg goes through ZooKeeper's QuorumPeerConfig and the trust manager X509Util builds from what QuorumX509Util
 * reads, and through Corral's ZooCfg and the trust manager its quorum TLS builds from the parsed config; both are
 * then asked whether a peer presenting the good or the revoked certificate is trusted.
 */
class QuorumRevocationCfgTest {
    @TempDir
    static Path dir;
    static RevocationCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = RevocationCerts.create(dir.resolve("certs"));
        Files.createDirectories(dir.resolve("zk"));
        Files.writeString(dir.resolve("zk").resolve("myid"), "1\n");
    }

    @AfterEach
    void clear() {
        clearProperties();
    }

    /** QuorumPeerConfig hands the ssl.quorum.* keys on as zookeeper.* system properties: remove them. */
    private static void clearProperties() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("zookeeper.")) {
                System.clearProperty(name);
            }
        }
    }

    private static Properties zooCfg(boolean crl, boolean ocsp) {
        Properties p = new Properties();
        p.put("tickTime", "2000");
        p.put("initLimit", "10");
        p.put("syncLimit", "5");
        p.put("dataDir", dir.resolve("zk").toString());
        p.put("clientPort", "2181");
        p.put("server.1", "127.0.0.1:2888:3888");
        p.put("server.2", "127.0.0.1:2889:3889");
        p.put("server.3", "127.0.0.1:2890:3890");
        p.put("sslQuorum", "true");
        p.put("ssl.quorum.keyStore.location", certs.path("server.pem"));
        p.put("ssl.quorum.trustStore.location", certs.path("ca.pem"));
        p.put("ssl.quorum.crl", String.valueOf(crl));
        p.put("ssl.quorum.ocsp", String.valueOf(ocsp));
        return p;
    }

    private static X509TrustManager zooKeeper(boolean crl, boolean ocsp) throws Exception {
        new QuorumPeerConfig().parseProperties(zooCfg(crl, ocsp));
        try (QuorumX509Util x509 = new QuorumX509Util()) {
            ZKConfig c = new ZKConfig();
            return X509Util.createTrustManager(c.getProperty(x509.getSslTruststoreLocationProperty()),
                    c.getProperty(x509.getSslTruststorePasswdProperty()),
                    c.getProperty(x509.getSslTruststoreTypeProperty()),
                    c.getBoolean(x509.getSslCrlEnabledProperty()), c.getBoolean(x509.getSslOcspEnabledProperty()),
                    false, false, false, false);
        }
    }

    private static X509TrustManager corral(boolean crl, boolean ocsp) throws Exception {
        QuorumTlsConfig q = ZooCfg.parse(zooCfg(crl, ocsp), dir).quorumTls();
        return KeyMaterial.trustManager(q.trustStore(), q.crl(), q.ocsp());
    }

    private static Map<String, String> peers(X509TrustManager trust) throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String name : new String[] {"good", "revoked"}) {
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(Path.of(certs.path(name + ".crt")))) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            try {
                trust.checkClientTrusted(new X509Certificate[] {cert}, "EC");
                seen.put(name, "trusted");
            } catch (java.security.cert.CertificateException e) {
                seen.put(name, "refused");
            }
        }
        return seen;
    }

    private static Map<String, String> compare(boolean crl, boolean ocsp) throws Exception {
        Map<String, String> reference = peers(zooKeeper(crl, ocsp));
        clearProperties();
        assertThat(peers(corral(crl, ocsp))).as("crl=%s ocsp=%s", crl, ocsp).containsExactlyEntriesOf(reference);
        return reference;
    }

    @Test
    void quorumCrlRefusesTheRevokedPeer() throws Exception {
        assertThat(compare(true, false)).containsExactly(Map.entry("good", "trusted"),
                Map.entry("revoked", "refused"));
    }

    @Test
    void withoutQuorumCrlTheRevokedPeerIsTrusted() throws Exception {
        assertThat(compare(false, false)).containsExactly(Map.entry("good", "trusted"),
                Map.entry("revoked", "trusted"));
    }

    @Test
    void quorumOcspWithoutAResponderFallsBackToTheCrl() throws Exception {
        assertThat(compare(false, true)).containsExactly(Map.entry("good", "trusted"),
                Map.entry("revoked", "refused"));
    }
}
