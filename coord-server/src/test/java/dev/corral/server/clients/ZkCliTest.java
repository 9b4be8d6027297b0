package dev.corral.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.it.Servers;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock zkCli against Corral: a scripted session whose output must match, line for line (times masked), what
 * the same script prints against a real ZooKeeper 3.9.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZkCliTest {
    private static final List<String> SESSION = List.of(
            "create /app hello",
            "create /app hello",
            "create -s /app/job- j",
            "create -s /app/job- j",
            "create -e /app/eph e",
            "ls /app",
            "get /app",
            "set /app world",
            "get -s /app",
            "set -v 7 /app stale",
            "stat /app",
            "stat /app/eph",
            "create /app/missing/child",
            "create /app/dir",
            "create /app/dir/leaf x",
            "ls -R /app",
            "delete /app/dir",
            "delete /app/dir/leaf",
            "delete /app/dir",
            "delete /app/eph",
            "delete /app/nope",
            "ls -s /app",
            "get /nope",
            "ls /");

    @TempDir
    Path dir;

    @Test
    void scriptedSessionMatchesZooKeeper() throws Exception {
        List<String> corralOut;
        try (Servers.Target corral = Servers.corral(dir.resolve("c"))) {
            corralOut = ZkCli.run(corral.connectString(), SESSION);
        }
        List<String> zkOut;
        try (Servers.Target zk = Servers.zookeeper(dir.resolve("z"))) {
            zkOut = ZkCli.run(zk.connectString(), SESSION);
        }
        // What the session must show, whichever server.
        assertThat(corralOut).containsSubsequence(
                "Created /app",
                "Node already exists: /app",
                "Created /app/job-0000000000",
                "Created /app/job-0000000001",
                "Created /app/eph",
                "[eph, job-0000000000, job-0000000001]",
                "hello",
                "world",
                "dataVersion = 1",
                "dataLength = 5",
                "numChildren = 3",
                "version No is not valid : /app",
                "Node does not exist: /app/missing/child",
                "Created /app/dir",
                "Created /app/dir/leaf",
                "/app",
                "/app/dir",
                "/app/dir/leaf",
                "Node not empty: /app/dir",
                "Node does not exist: /app/nope",
                "[job-0000000000, job-0000000001]",
                "Node does not exist: /nope",
                "[app, zookeeper]");
        assertThat(corralOut).anyMatch(l -> l.matches("ephemeralOwner = 0x[0-9a-f]+") && !l.endsWith("= 0x0"));
        assertThat(ZkCli.normalized(corralOut)).as("zkCli output, Corral vs ZooKeeper")
                .containsExactlyElementsOf(ZkCli.normalized(zkOut));
    }

    @Test
    void deleteallAgainstZooKeeper() throws Exception {
        try (Servers.Target zk = Servers.zookeeper(dir)) {
            deleteall(zk);
        }
    }

    @Test
    void deleteallAgainstCorral() throws Exception {
        try (Servers.Target corral = Servers.corral(dir)) {
            deleteall(corral);
        }
    }

    private static void deleteall(Servers.Target target) throws Exception {
        List<String> out = ZkCli.run(target.connectString(), List.of(
                "create /tree", "create /tree/a", "create /tree/a/b x", "create /tree/c",
                "deleteall /tree", "ls /"));
        assertThat(out).doesNotContain("Failed to delete some node(s) in the subtree!");
        assertThat(out.get(out.size() - 1)).isEqualTo("[zookeeper]");
        ZooKeeper zk = Servers.connect(target.connectString(), 10_000, null);
        try {
            assertThat(zk.exists("/tree", false)).isNull();
        } finally {
            zk.close();
        }
    }
}
