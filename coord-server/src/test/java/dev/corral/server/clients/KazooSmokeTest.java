package dev.corral.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.it.Servers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** python kazoo (Debian python3-kazoo) against Corral: resources/clients/kazoo_smoke.py must pass, step by step. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KazooSmokeTest {
    private static final String PYTHON = "/usr/bin/python3";

    /** Steps the script reports; each must say "ok". */
    private static final List<String> STEPS = List.of("create", "create-exists", "get-data", "set-bad-version",
            "set-with-version", "makepath", "children", "sequence-0", "sequence-1", "ephemeral-owner",
            "ephemeral-sequence", "get-watch-fired", "get-watch-event", "datawatch-sequence",
            "ephemerals-gone-watch", "ephemerals-gone", "children-after-close", "delete-not-empty",
            "delete-bad-version", "delete", "delete-recursive", "delete-missing", "null-data-create",
            "empty-data-create", "null-data-set", "empty-data-set");

    @TempDir
    Path dir;

    @Test
    void kazooSmokeScriptPassesAgainstCorral() throws Exception {
        try (Servers.Target corral = Servers.corral(dir)) {
            runScript(corral.connectString());
        }
    }

    @Test
    void kazooSmokeScriptPassesAgainstZooKeeper() throws Exception {
        // The script's expectations are ZooKeeper's: keep them honest.
        try (Servers.Target zk = Servers.zookeeper(dir)) {
            runScript(zk.connectString());
        }
    }

    private static void runScript(String connectString) throws Exception {
        ChildProcess.requireExecutable(PYTHON);
        Path script = Path.of(KazooSmokeTest.class.getResource("/clients/kazoo_smoke.py").toURI());
        try (ChildProcess py = ChildProcess.start(List.of(PYTHON, script.toString(), connectString), null)) {
            int exit = py.waitFor(Duration.ofSeconds(60));
            String out = py.output();
            assertThat(out).as("kazoo import (install python3-kazoo: scripts/setup)")
                    .doesNotContain("ModuleNotFoundError");
            assertThat(exit).as("kazoo_smoke.py exit code; output:\n%s", out).isZero();
            assertThat(out).doesNotContain("FAIL");
            for (String step : STEPS) {
                assertThat(out).as("step %s", step).contains("ok " + step + "\n");
            }
            assertThat(out).endsWith("kazoo smoke: all ok\n");
        }
    }
}
