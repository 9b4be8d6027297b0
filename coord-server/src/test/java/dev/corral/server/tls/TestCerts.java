package dev.corral.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real certificates for the TLS tests, made with the JDK's keytool run as a process: a CA, a server certificate
 * for 127.0.0.1/localhost, client certificates for two subjects and a super user, an expired one, and a second CA
 * with a certificate of its own (for trust failures). Every store's password is {@link #PASSWORD}.
 */
public final class TestCerts {
    public static final String PASSWORD = "secret";
    public static final String ALICE = "CN=alice,OU=clients,O=Corral";
    public static final String BOB = "CN=bob,OU=clients,O=Corral";
    public static final String ADMIN = "CN=admin,OU=ops,O=Corral";
    public static final String EXPIRED = "CN=expired,OU=clients,O=Corral";

    private final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A file made here: {@code ca.p12}, {@code trust.p12}, {@code trust.jks}, {@code trust.pem},
     * {@code server.p12}, {@code server.pem}, {@code alice.p12}, {@code bob.p12}, {@code admin.p12},
     * {@code expired.p12}, {@code other-trust.p12}, {@code rogue.p12}. */
    public String path(String name) {
        return dir.resolve(name).toString();
    }

    private static TestCerts shared;

    /**
     * One set for the whole test JVM (some thirty keytool runs take a while), in a temporary directory removed when
     * the JVM exits.
     */
    public static synchronized TestCerts shared() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("corral-test-certs");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // best effort
                }
            }));
            shared = create(dir);
        }
        return shared;
    }

    public static TestCerts create(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCerts c = new TestCerts(dir);
        c.ca("ca", "CN=Corral Test CA,O=Corral");
        c.ca("other-ca", "CN=Other CA,O=Elsewhere");
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", c.path("ca.p12"), "-file", c.path("ca.pem"));
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", c.path("other-ca.p12"),
                "-file", c.path("other-ca.pem"));
        c.trustStore("trust.p12", "ca.pem", "PKCS12");
        c.trustStore("trust.jks", "ca.pem", "JKS");
        Files.copy(dir.resolve("ca.pem"), dir.resolve("trust.pem"));
        c.trustStore("other-trust.p12", "other-ca.pem", "PKCS12");
        c.leaf("server", "CN=localhost,O=Corral", "ca", "san=ip:127.0.0.1,dns:localhost", null);
        c.leaf("alice", ALICE, "ca", null, null);
        c.leaf("bob", BOB, "ca", null, null);
        c.leaf("admin", ADMIN, "ca", null, null);
        c.leaf("expired", EXPIRED, "ca", null, "-3d");
        c.leaf("rogue", ALICE, "other-ca", null, null);
        c.pem("server");
        c.pem("alice");
        c.pem("bob");
        return c;
    }

    private void ca(String name, String dname) throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", "bc:c", "-validity", "30", "-keystore", path(name + ".p12"), "-storetype", "PKCS12");
    }

    private void trustStore(String file, String caPem, String type) throws Exception {
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", path(caPem), "-keystore", path(file),
                "-storetype", type);
    }

    /** A key pair signed by {@code ca}; {@code startDate} (e.g. "-3d") with a one-day validity makes it expired. */
    private void leaf(String name, String dname, String ca, String san, String startDate) throws Exception {
        String store = path(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "30", "-keystore", store, "-storetype", "PKCS12");
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", path(name + ".csr"));
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", path(ca + ".p12"),
                "-infile", path(name + ".csr"), "-outfile", path(name + ".crt"), "-rfc"));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        if (startDate != null) {
            gencert.addAll(List.of("-startdate", startDate, "-validity", "1"));
        } else {
            gencert.addAll(List.of("-validity", "30"));
        }
        keytool(gencert.toArray(new String[0]));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", path(ca + ".pem"), "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", path(name + ".crt"), "-keystore", store);
    }

    /** The key and chain of {@code name}.p12 as one PEM file (unencrypted PKCS#8 key), as ZooKeeper reads PEM. */
    private void pem(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Key key = ks.getKey(name, PASSWORD.toCharArray());
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
        StringBuilder out = new StringBuilder();
        out.append("-----BEGIN PRIVATE KEY-----\n").append(b64.encodeToString(key.getEncoded()))
                .append("\n-----END PRIVATE KEY-----\n");
        for (Certificate cert : ks.getCertificateChain(name)) {
            out.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(cert.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Files.writeString(dir.resolve(name + ".pem"), out);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASSWORD));
        if (args[0].equals("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PASSWORD));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
