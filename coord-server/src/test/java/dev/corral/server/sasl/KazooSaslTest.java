package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo (Debian python3-kazoo 2.8 with python3-pure-sasl, {@code sasl_options} DIGEST-MD5) against ZooKeeper 3.9.5
 * and Corral, started from the same keys and JAAS Server section: the script's lines (a node with a sasl ACL, the
 * auth scheme, another user and an anonymous client refused, a wrong password and an unknown user refused) must be
 * the same on both. kazoo's start() returns once the session is up, before the SASL exchange; a refused exchange
 * shows as a refused start (kazoo's "AUTH_FAILED closing", seen by the script) and the client CLOSED (ZooKeeper
 * answers -115 and closes). The script reports both in a fixed order, whichever order kazoo saw them in.
 */
class KazooSaslTest {
    static final String PYTHON = "/usr/bin/python3";
    private static final String JAAS = """
            Server {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              user_alice="alice-secret"
              user_bob="bob-secret";
            };
            ZkServer {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              user_alice="alice-secret"
              user_bob="bob-secret";
            };
            NoUsers {
              org.apache.zookeeper.server.auth.DigestLoginModule required;
            };
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void jaas() throws Exception {
        SaslTargets.useJaas(dir, JAAS);
    }

    @AfterAll
    static void clear() {
        SaslTargets.clearJaas();
    }

    @Test
    void digestMd5SeesTheSameOnBothServers() throws Exception {
        String reference = compare(dir, "digest", Map.of(), List.of(), "digest");
        assertThat(reference).contains("owner start: session\n").contains("owner get: ok b's'")
                .contains("owner acl: ok [(31, 'sasl', 'alice')]").contains("other get: NoAuthError")
                .contains("anonymous get: NoAuthError")
                .contains("wrong password start: refused (AUTH_FAILED)\nwrong password state: ok 'CLOSED'")
                .contains("unknown user start: refused (AUTH_FAILED)\nunknown user state: ok 'CLOSED'");
    }

    /** {@code sasl.serverconfig} names the JAAS section the server logs in with, on both servers alike. */
    @Test
    void serverConfigNamesTheJaasSection() throws Exception {
        String named = compare(dir, "named", Map.of("sasl.serverconfig", "ZkServer"), List.of(), "digest");
        assertThat(named).contains("owner get: ok b's'").contains("other get: NoAuthError");
        // A section without alice: her exchange is refused, so the section named is the one read.
        String empty = compare(dir, "empty", Map.of("sasl.serverconfig", "NoUsers"), List.of(), "digest");
        assertThat(empty).contains("owner start: refused (AUTH_FAILED)").doesNotContain("owner get: ok");
    }

    /**
     * Runs the script against ZooKeeper, then Corral (keys: the SASL provider and {@code more}), asserts the same
     * lines and returns ZooKeeper's. {@code env} is prepended as {@code VAR=value} through /usr/bin/env.
     */
    static String compare(Path dir, String name, Map<String, String> more, List<String> env, String... args)
            throws Exception {
        ChildProcess.requireExecutable(PYTHON);
        Map<String, String> keys = new LinkedHashMap<>(Map.of("authProvider.1", SaslTargets.SASL_PROVIDER));
        keys.putAll(more);
        Path base = Files.createDirectories(dir.resolve(name));
        String reference;
        try (SaslTargets.Target zk = SaslTargets.zookeeper(base.resolve("ref"), keys)) {
            reference = run(zk, env, args);
        }
        String ours;
        try (SaslTargets.Target corral = SaslTargets.corral(base.resolve("ours"), keys)) {
            ours = run(corral, env, args);
        }
        assertThat(reference).endsWith("kazoo sasl: done\n");
        assertThat(ours).isEqualTo(reference);
        return reference;
    }

    private static String run(SaslTargets.Target target, List<String> env, String... args) throws Exception {
        Path script = Path.of(KazooSaslTest.class.getResource("/sasl/kazoo_sasl.py").toURI());
        List<String> command = new ArrayList<>();
        if (!env.isEmpty()) {
            command.add("/usr/bin/env");
            command.addAll(env);
        }
        command.addAll(List.of(PYTHON, script.toString(), target.address()));
        command.addAll(List.of(args));
        try (ChildProcess py = ChildProcess.start(command, null)) {
            int exit = py.waitFor(Duration.ofSeconds(90));
            String out = py.output();
            System.out.printf("--- kazoo_sasl.py %s on %s ---%n%s", String.join(" ", args), target.name(), out);
            assertThat(exit).as(out).isZero();
            // The script's own lines and kazoo's verdict on a failed exchange; its logging of retries is timing.
            return String.join("\n", out.lines().map(String::strip)
                    .filter(l -> l.matches("^[a-z][a-z ]*: .*")).toList()) + "\n";
        }
    }
}
