package dev.corral.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.tls.TestCerts;
import dev.corral.server.tls.TlsTargets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stock zkCli over TLS, as alice and then bob, against ZooKeeper 3.9.5 and Corral: the same output. */
class ZkCliTlsTest {
    @TempDir
    Path dir;

    private static List<String> tlsClient(TestCerts certs, String who) {
        return List.of("-Dzookeeper.client.secure=true",
                "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
                "-Dzookeeper.ssl.keyStore.location=" + certs.path(who + ".p12"),
                "-Dzookeeper.ssl.keyStore.password=" + TestCerts.PASSWORD,
                "-Dzookeeper.ssl.trustStore.location=" + certs.path("trust.p12"),
                "-Dzookeeper.ssl.trustStore.password=" + TestCerts.PASSWORD);
    }

    private static List<String> session(TlsTargets.Target t, TestCerts certs) {
        List<String> out = new java.util.ArrayList<>(ZkCli.run(t.tlsAddress(), List.of(
                "whoami",
                "create /cli data",
                // zkCli splits an ACL list at commas, so a subject cannot be typed in; the auth scheme names it.
                "setAcl /cli auth::cdrwa",
                "getAcl /cli",
                "get /cli"), tlsClient(certs, "alice")));
        // zkCli exits with the last command's status: end on one that succeeds.
        out.addAll(ZkCli.run(t.tlsAddress(), List.of("whoami", "get /cli", "set /cli other", "ls /"),
                tlsClient(certs, "bob")));
        return out;
    }

    @Test
    void zkCliSeesTheSameOverTls() throws Exception {
        TestCerts certs = TestCerts.shared();
        Map<String, String> keys = TlsTargets.secureKeys(certs);
        List<String> reference;
        try (TlsTargets.Target zk = TlsTargets.zookeeper(Files.createDirectories(dir.resolve("ref")), keys, false)) {
            reference = session(zk, certs);
        } finally {
            TlsTargets.clearProperties(keys);
        }
        List<String> ours;
        try (TlsTargets.Target corral = TlsTargets.corral(Files.createDirectories(dir.resolve("ours")), keys,
                false)) {
            ours = session(corral, certs);
        }
        System.out.println("zkCli over TLS on ZooKeeper: " + reference);
        assertThat(String.join("\n", reference)).contains("x509").contains("data");
        assertThat(ours).containsExactlyElementsOf(reference);
    }
}
