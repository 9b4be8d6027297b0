package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.config.ClientTlsConfig;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.config.ZooCfg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS keys as zoo.cfg and the system properties give them, and the bad values that stop start-up. */
class ClientTlsCfgTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.shared();
    }

    private static Properties secure(String... extra) {
        Properties p = new Properties();
        p.put("dataDir", "data");
        p.put("secureClientPort", "2281");
        p.put("ssl.keyStore.location", certs.path("server.p12"));
        p.put("ssl.keyStore.password", TestCerts.PASSWORD);
        p.put("ssl.trustStore.location", certs.path("trust.p12"));
        p.put("ssl.trustStore.password", TestCerts.PASSWORD);
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                p.remove(extra[i]);
            } else {
                p.put(extra[i], extra[i + 1]);
            }
        }
        return p;
    }

    private static ServerConfig parse(Properties p) throws ConfigException {
        return ZooCfg.parse(p, dir);
    }

    @Test
    void onlySecureClientPortMeansNoPlainPort() throws Exception {
        ServerConfig c = parse(secure());
        assertThat(c.clientPort()).isEqualTo(-1);
        ClientTlsConfig tls = c.clientTls();
        assertThat(tls.securePort()).isEqualTo(2281);
        assertThat(tls.clientAuth()).isEqualTo(ClientTlsConfig.ClientAuth.NEED);
        assertThat(tls.enabledProtocols()).containsExactly("TLSv1.3");
        assertThat(tls.cipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256");
        assertThat(tls.x509Enabled()).isTrue();
        assertThat(parse(secure("clientPort", "2181")).clientPort()).isEqualTo(2181);
    }

    @Test
    void noTlsKeysNoTls() throws Exception {
        Properties p = new Properties();
        p.put("dataDir", "data");
        ServerConfig c = parse(p);
        assertThat(c.clientPort()).isEqualTo(2181);
        assertThat(c.clientTls().enabled()).isFalse();
        assertThat(c.clientTls().x509Enabled()).isFalse();
        p.put("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        assertThat(parse(p).clientTls().x509Enabled()).isTrue();
    }

    @Test
    void readsEveryKey() throws Exception {
        Path passwordFile = dir.resolve("password.txt");
        Files.writeString(passwordFile, TestCerts.PASSWORD + System.lineSeparator());
        ClientTlsConfig tls = parse(secure("ssl.keyStore.password", "wrong", "ssl.keyStore.passwordPath",
                passwordFile.toString(), "ssl.enabledProtocols", "TLSv1.2,TLSv1.3", "ssl.ciphersuites",
                "TLS_AES_128_GCM_SHA256,TLS_ECDHE_EC" + "DSA_WITH_AES_128_GCM_SHA256", "ssl.clientAuth", "want",
                "ssl.hostnameVerification", "true", "ssl.clientHostnameVerification", "true", "ssl.crl", "true",
                "secureClientPortAddress", "127.0.0.1", "X509AuthenticationProvider.superUser", TestCerts.ADMIN))
                .clientTls();
        assertThat(tls.enabledProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(tls.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls.clientAuth()).isEqualTo(ClientTlsConfig.ClientAuth.WANT);
        assertThat(tls.clientHostnameVerify()).isTrue();
        assertThat(tls.crl()).isTrue();
        assertThat(tls.securePortAddress()).isEqualTo("127.0.0.1");
        assertThat(tls.x509SuperUser()).isEqualTo(TestCerts.ADMIN);
        assertThat(tls.keyStore().password()).isEqualTo(TestCerts.PASSWORD);
        assertThat(parse(secure("ssl.protocol", "TLSv1.2")).clientTls().enabledProtocols())
                .containsExactly("TLSv1.2");
        // PEM and JKS, by extension or by type.
        assertThat(parse(secure("ssl.keyStore.location", certs.path("server.pem"), "ssl.keyStore.password", null,
                "ssl.trustStore.location", certs.path("trust.jks"))).clientTls().trustStore().type())
                .isEqualTo(ClientTlsConfig.StoreType.JKS);
        assertThat(parse(secure("ssl.trustStore.location", certs.path("trust.pem"))).clientTls().trustStore().type())
                .isEqualTo(ClientTlsConfig.StoreType.PEM);
    }

    @Test
    void systemPropertiesFillInWhatZooCfgLacks() throws Exception {
        System.setProperty("zookeeper.ssl.clientAuth", "none");
        System.setProperty("zookeeper.ssl.keyStore.location", "/nonexistent/ignored.p12");
        try {
            ClientTlsConfig tls = parse(secure()).clientTls();
            assertThat(tls.clientAuth()).isEqualTo(ClientTlsConfig.ClientAuth.NONE); // from the system property
            assertThat(tls.keyStore().location()).isEqualTo(certs.path("server.p12")); // zoo.cfg wins
            System.setProperty("zookeeper.client.portUnification", "true");
            Properties plain = secure("secureClientPort", null);
            plain.put("clientPort", "2181");
            assertThat(parse(plain).clientTls().portUnification()).isTrue();
        } finally {
            System.clearProperty("zookeeper.ssl.clientAuth");
            System.clearProperty("zookeeper.ssl.keyStore.location");
            System.clearProperty("zookeeper.client.portUnification");
        }
    }

    @Test
    void badValuesStopStartUpNamingTheKey() {
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("missing keystore", List.of("ssl.keyStore.location", certs.path("nonexistent.p12"),
                "ssl.keyStore.location"));
        cases.put("wrong keystore password", List.of("ssl.keyStore.password", "wrong", "ssl.keyStore.password"));
        cases.put("wrong truststore password", List.of("ssl.trustStore.password", "wrong",
                "ssl.trustStore.password"));
        cases.put("no keystore", List.of("ssl.keyStore.location", "", "ssl.keyStore.location"));
        cases.put("unknown clientAuth", List.of("ssl.clientAuth", "sometimes", "ssl.clientAuth"));
        cases.put("unknown protocol", List.of("ssl.protocol", "TLSv9", "ssl.protocol"));
        cases.put("unknown cipher", List.of("ssl.ciphersuites", "TLS_NO_SUCH_CIPHER", "ssl.ciphersuites"));
        cases.put("unknown store type", List.of("ssl.keyStore.type", "XYZ", "ssl.keyStore.type"));
        cases.put("type not in the name", List.of("ssl.trustStore.location", certs.path("ca.crt.bin"),
                "ssl.trustStore.type"));
        cases.put("bad boolean", List.of("ssl.crl", "yes", "ssl.crl"));
        cases.put("missing password file", List.of("ssl.keyStore.passwordPath", "/nonexistent/pw",
                "ssl.keyStore.passwordPath"));
        cases.put("bad port", List.of("secureClientPort", "http", "secureClientPort"));
        cases.put("unknown ssl.authProvider", List.of("ssl.authProvider", "mine", "ssl.authProvider"));
        cases.put("other x509 provider", List.of("authProvider.x509", "com.example.MyProvider",
                "authProvider.x509"));
        cases.put("trust store of the wrong type", List.of("ssl.trustStore.type", "PEM", "ssl.trustStore"));
        cases.forEach((name, c) -> assertThatThrownBy(() -> parse(secure(c.get(0), c.get(1))))
                .as(name).isInstanceOf(ConfigException.class).hasMessageContaining(c.get(2)));
        Properties p = secure("secureClientPort", null, "secureClientPortAddress", "127.0.0.1");
        assertThatThrownBy(() -> parse(p)).hasMessageContaining("secureClientPort is not set");
    }

    @Test
    void mainExitsWithTwoAndNamesTheKey() throws Exception {
        Path cfg = dir.resolve("bad.cfg");
        Files.writeString(cfg, "dataDir=" + dir.resolve("data") + "\nsecureClientPort=0\nssl.keyStore.location="
                + certs.path("server.p12") + "\nssl.keyStore.password=wrong\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.corral.server.Main", cfg.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("configuration error").contains("ssl.keyStore.password");
    }
}
