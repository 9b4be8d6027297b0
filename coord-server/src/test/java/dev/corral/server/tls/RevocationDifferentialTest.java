package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate revocation on the secure client port ({@code ssl.crl}, {@code ssl.ocsp}) side by side with ZooKeeper
 * 3.9.5: the stock Java client (Netty, {@code zookeeper.client.secure=true}) presents a good or a revoked
 * certificate whose CRL distribution point is a {@code file:} URI the server's JDK reads the CA's CRL from.
 * {@code com.sun.security.enableCRLDP} is deliberately not set: with the explicit PKIXRevocationChecker both servers
 * install, the JDK follows distribution points without it (this test shows it).
 */
class RevocationDifferentialTest {
    @TempDir
    static Path dir;
    static RevocationCerts certs;
    /** A second CA whose CRL file is missing: no revocation status can be had for its certificates. */
    static RevocationCerts noCrl;

    @BeforeAll
    static void makeCertificates() throws Exception {
        assertThat(System.getProperty("com.sun.security.enableCRLDP")).as("the outcomes hold without it").isNull();
        certs = RevocationCerts.create(dir.resolve("certs"));
        noCrl = RevocationCerts.create(dir.resolve("no-crl-certs"));
        Files.delete(Path.of(noCrl.path("ca.crl")));
    }

    /** A TLS-only client port with client certificates required and revocation as {@code crl} and {@code ocsp}. */
    private static Map<String, String> keys(RevocationCerts set, boolean crl, boolean ocsp) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("ssl.keyStore.location", set.path("server.pem"));
        keys.put("ssl.trustStore.location", set.path("ca.pem"));
        keys.put("ssl.clientAuth", "need");
        keys.put("ssl.crl", String.valueOf(crl));
        keys.put("ssl.ocsp", String.valueOf(ocsp));
        keys.put("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        return keys;
    }

    /** What the good and the revoked client see: whoAmI after connecting, or "refused". */
    private static Map<String, String> clients(RevocationCerts set, TlsTargets.Target t) throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String name : new String[] {"good", "revoked"}) {
            ZKClientConfig config = tls(set, name + ".pem");
            String outcome = ClientTlsDifferentialTest.tryConnect(t.tlsAddress(), config);
            if (outcome.equals("connected")) {
                try (ZooKeeper zk = ClientTlsDifferentialTest.connect(t.tlsAddress(), config)) {
                    outcome = "connected as " + x509Id(zk);
                }
            }
            seen.put(name, outcome);
        }
        return seen;
    }

    /** The connection's x509 id (its ip id, listed in no fixed order, says nothing here). */
    private static String x509Id(ZooKeeper zk) throws Exception {
        return zk.whoAmI().stream().filter(i -> i.getAuthScheme().equals("x509"))
                .map(i -> "x509:" + i.getUser()).findFirst().orElse("no x509 id");
    }

    /** Runs the two clients against ZooKeeper, then Corral, with the same keys; returns ZooKeeper's record. */
    private static Map<String, String> compare(String name, RevocationCerts set, boolean crl, boolean ocsp)
            throws Exception {
        Map<String, String> keys = keys(set, crl, ocsp);
        Path base = Files.createDirectories(dir.resolve(name));
        Map<String, String> reference;
        try (TlsTargets.Target zk = TlsTargets.zookeeper(base.resolve("ref"), keys, false)) {
            reference = clients(set, zk);
        } finally {
            TlsTargets.clearProperties(keys);
        }
        Map<String, String> ours;
        try (TlsTargets.Target corral = TlsTargets.corral(base.resolve("ours"), keys, false)) {
            ours = clients(set, corral);
        }
        System.out.println(name + " (zookeeper): " + reference);
        assertThat(ours).as(name).containsExactlyEntriesOf(reference);
        return reference;
    }

    @Test
    void crlRefusesTheRevokedCertificate() throws Exception {
        assertThat(compare("crl", certs, true, false)).containsExactly(
                Map.entry("good", "connected as x509:" + RevocationCerts.GOOD),
                Map.entry("revoked", "refused"));
    }

    @Test
    void withoutCrlTheRevokedCertificateConnects() throws Exception {
        assertThat(compare("no-crl", certs, false, false)).containsExactly(
                Map.entry("good", "connected as x509:" + RevocationCerts.GOOD),
                Map.entry("revoked", "connected as x509:" + RevocationCerts.REVOKED));
    }

    /** No certificate names an OCSP responder: the JDK's checker falls back to the distribution point's CRL. */
    @Test
    void ocspWithoutAResponderFallsBackToTheCrl() throws Exception {
        assertThat(compare("ocsp", certs, false, true)).containsExactly(
                Map.entry("good", "connected as x509:" + RevocationCerts.GOOD),
                Map.entry("revoked", "refused"));
    }

    /** Revocation checking fails closed: with no CRL to be had, every client certificate is refused. */
    @Test
    void anUnreachableCrlRefusesEveryCertificate() throws Exception {
        assertThat(compare("crl-missing", noCrl, true, false)).containsExactly(
                Map.entry("good", "refused"), Map.entry("revoked", "refused"));
        assertThat(compare("ocsp-missing", noCrl, false, true)).containsExactly(
                Map.entry("good", "refused"), Map.entry("revoked", "refused"));
    }

    /** A secure client with {@code keyStore} (a PEM file of key and chain) trusting the revocation CA. */
    private static ZKClientConfig tls(RevocationCerts set, String keyStore) {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty("zookeeper.ssl.keyStore.location", set.path(keyStore));
        c.setProperty("zookeeper.ssl.trustStore.location", set.path("ca.pem"));
        return c;
    }
}
