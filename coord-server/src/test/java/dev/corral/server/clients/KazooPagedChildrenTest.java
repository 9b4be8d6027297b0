package dev.corral.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.it.Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** corral-client/examples/kazoo_paged_children.py (the kazoo example of paged getChildren) against Corral. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KazooPagedChildrenTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @Test
    void theKazooExampleListsAParentInPages() throws Exception {
        ChildProcess.requireExecutable(PYTHON);
        Path script = Path.of("..", "corral-client", "examples", "kazoo_paged_children.py").toAbsolutePath();
        assertThat(Files.exists(script)).as("%s", script).isTrue();
        try (Servers.Target corral = Servers.corral(dir)) {
            try (ZooKeeper zk = Servers.connect(corral.connectString(), 30_000, e -> { })) {
                zk.create("/p", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 0; i < 2_345; i++) {
                    zk.create("/p/c" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> { }, null);
                }
                zk.sync("/p");
                assertThat(zk.exists("/p", false).getNumChildren()).isEqualTo(2_345);
            }
            try (ChildProcess py = ChildProcess.start(List.of(PYTHON, script.toString(), corral.connectString(), "/p",
                    "100"), null)) {
                int exit = py.waitFor(Duration.ofSeconds(60));
                String out = py.output();
                assertThat(exit).as("exit code; output:\n%s", out).isZero();
                assertThat(out).contains("pages 24\n", "children 2345\n", "sorted-unique True\n",
                        "parent-numChildren 2345\n");
            }
        }
    }
}
