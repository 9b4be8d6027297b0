package dev.corral.server.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import dev.corral.server.it.Servers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * python kazoo (Debian python3-kazoo, /usr/bin/python3) scripts in resources/recipes, each run against the embedded
 * ZooKeeper and against Corral: both runs exit 0 (the scripts check ZooKeeper's semantics themselves and print
 * "FAIL ..." otherwise) and print the same transcript, line for line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KazooScriptsTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // script, its last line
        "kazoo_txn.py, kazoo txn: all ok",
        "kazoo_acl.py, kazoo acl: all ok",
        "kazoo_watch.py, kazoo watch: all ok",
    })
    void sameTranscriptOnZooKeeperAndCorral(String script, String lastLine) throws Exception {
        String reference;
        try (Servers.Target zk = Servers.zookeeper(dir.resolve("zk"))) {
            reference = run(script, zk, lastLine);
        }
        String corral;
        try (Servers.Target c = Servers.corral(dir.resolve("corral"))) {
            corral = run(script, c, lastLine);
        }
        assertThat(corral).as("%s transcript on Corral vs ZooKeeper", script).isEqualTo(reference);
    }

    @Test
    void kazooVersionDecidesTheAddWatchPart() throws Exception {
        // The watch script skips add_watch only when this kazoo lacks it; make that visible and keep it honest.
        try (ChildProcess py = ChildProcess.start(List.of(PYTHON, "-c",
                "import kazoo; from kazoo.client import KazooClient as K; "
                        + "print(kazoo.__version__, hasattr(K, 'add_watch'))"), null)) {
            assertThat(py.waitFor(Duration.ofSeconds(30))).isZero();
            String out = py.output().trim();
            System.out.println("kazoo version, has add_watch: " + out);
            assertThat(out).matches("[0-9.]+ (True|False)");
        }
    }

    /** ACL entries with the "auth" scheme as kazoo sends them: the id as a null string. */
    @Test
    void authSchemeAclOnZooKeeper() throws Exception {
        try (Servers.Target zk = Servers.zookeeper(dir)) {
            run("kazoo_acl_auth_scheme.py", zk, "kazoo acl auth scheme: all ok");
        }
    }

    @Test
    void authSchemeAclOnCorral() throws Exception {
        try (Servers.Target c = Servers.corral(dir)) {
            run("kazoo_acl_auth_scheme.py", c, "kazoo acl auth scheme: all ok");
        }
    }

    private static String run(String script, Servers.Target target, String lastLine) throws Exception {
        ChildProcess.requireExecutable(PYTHON);
        Path path = Path.of(KazooScriptsTest.class.getResource("/recipes/" + script).toURI());
        try (ChildProcess py = ChildProcess.start(List.of(PYTHON, path.toString(), target.connectString()), null)) {
            int exit = py.waitFor(Duration.ofSeconds(90));
            String out = py.output();
            System.out.printf("--- %s on %s ---%n%s", script, target.name(), out);
            assertThat(out).as("kazoo import (install python3-kazoo: scripts/setup)")
                    .doesNotContain("ModuleNotFoundError");
            assertThat(exit).as("%s exit code on %s; output:%n%s", script, target.name(), out).isZero();
            assertThat(out).as("%s on %s", script, target.name()).doesNotContain("FAIL").endsWith(lastLine + "\n");
            assertThat(out).as("%s on %s: steps checked", script, target.name()).contains("\nok ");
            return out;
        }
    }
}
