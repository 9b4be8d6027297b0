package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ZkCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock zkCli (a child JVM with the JAAS file and {@code zookeeper.fips-mode=false}, as an operator runs it)
 * authenticating with DIGEST-MD5 against ZooKeeper 3.9.5 and Corral: the same session prints the same lines.
 */
class ZkCliSaslTest {
    @TempDir
    static Path dir;

    @Test
    void zkCliAuthenticatesAndUsesSaslAcls() throws Exception {
        // The servers read the JAAS file in this JVM; zkCli reads it in its own.
        Path jaas = SaslTargets.useJaas(dir, SaslDigestDifferentialTest.JAAS);
        List<String> jvm = List.of("-Djava.security.auth.login.config=" + jaas, "-Dzookeeper.fips-mode=false");
        List<String> commands = List.of("whoami", "create /cli data sasl:alice:cdrwa", "get /cli", "getAcl /cli",
                "create /cli2 x auth::cdrwa", "getAcl /cli2");
        Map<String, String> keys = SaslDigestDifferentialTest.secured();
        List<String> reference;
        List<String> ours;
        try {
            try (SaslTargets.Target zk = SaslTargets.zookeeper(Files.createDirectories(dir.resolve("ref")), keys)) {
                reference = clean(ZkCli.run(zk.address(), commands, jvm));
            }
            try (SaslTargets.Target corral = SaslTargets.corral(Files.createDirectories(dir.resolve("ours")), keys)) {
                ours = clean(ZkCli.run(corral.address(), commands, jvm));
            }
        } finally {
            SaslTargets.clearJaas();
        }
        System.out.println("zkCli (zookeeper): " + reference);
        System.out.println("zkCli (corral):    " + ours);
        assertThat(ours).containsExactlyElementsOf(reference);
        assertThat(reference).contains("Auth scheme: User", "sasl: alice", "data", "'sasl,'alice");
    }

    /** zkCli's lines without the terminal's notices and with the prompt (which names the port) removed. */
    private static List<String> clean(List<String> lines) {
        return ZkCli.normalized(lines).stream()
                .filter(l -> !l.startsWith("JLine") && !l.startsWith("WARNING:") && !l.contains("org.jline"))
                .map(l -> l.replaceFirst("^\\[zk: [^]]*\\] ", ""))
                .filter(l -> !l.isBlank()).toList();
    }
}
