package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo (Debian python3-kazoo, {@code use_ssl=True} with PEM files) against ZooKeeper 3.9.5 and Corral with the
 * same TLS keys: the script's lines (x509 ACLs for two subjects, a client without a certificate) must be the same.
 */
class KazooTlsTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.shared();
    }

    @Test
    void kazooSeesTheSameOnBothServers() throws Exception {
        ChildProcess.requireExecutable(PYTHON);
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        String reference;
        try (TlsTargets.Target zk = TlsTargets.zookeeper(Files.createDirectories(dir.resolve("ref")), keys, false)) {
            reference = run(zk);
        } finally {
            TlsTargets.clearProperties(keys);
        }
        String ours;
        try (TlsTargets.Target corral = TlsTargets.corral(Files.createDirectories(dir.resolve("ours")), keys,
                false)) {
            ours = run(corral);
        }
        assertThat(reference).contains("alice get: ok b'k'").contains("bob get: NoAuthError")
                .contains("BAD_CERTIFICATE").contains("no certificate start: KazooTimeoutError")
                .endsWith("kazoo tls: done\n");
        assertThat(ours).isEqualTo(reference);
    }

    private static String run(TlsTargets.Target target) throws Exception {
        Path script = Path.of(KazooTlsTest.class.getResource("/recipes/kazoo_tls.py").toURI());
        try (ChildProcess py = ChildProcess.start(List.of(PYTHON, script.toString(), target.tlsAddress(),
                certs.dir().toString(), TestCerts.ALICE), null)) {
            int exit = py.waitFor(Duration.ofSeconds(90));
            String out = py.output();
            System.out.printf("--- kazoo_tls.py on %s ---%n%s", target.name(), out);
            assertThat(exit).as(out).isZero();
            // kazoo logs each retry of the refused connection; how many fit in its timeout is timing, the reason
            // (the TLS alert the server sent) is not.
            return String.join("\n", out.lines().distinct().toList()) + "\n";
        }
    }
}
