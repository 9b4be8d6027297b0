package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches across a disconnect: the client re-arms them with SetWatches on reconnect, and the server fires at once
 * those whose node changed while it was away (relativeZxid rules). Compared with ZooKeeper.
 */
class WatchReconnectDifferentialTest {
    @TempDir
    Path dir;

    private List<String> run(Servers.Target target) throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        List<String> out = new ArrayList<>();
        try (TcpProxy proxy = new TcpProxy(target.connectString())) {
            ZooKeeper writer = Servers.connect(target.connectString(), 30000, null);
            ZooKeeper watcher = Servers.connect(proxy.connectString(), 30000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    if (e.getState() == Watcher.Event.KeeperState.Disconnected
                            || e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        events.add("state " + e.getState());
                    }
                } else {
                    events.add(e.getType() + " " + e.getPath());
                }
            });
            for (String p : List.of("/d", "/unchanged", "/deleted", "/kids", "/rec", "/per")) {
                writer.create(p, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            watcher.getData("/d", true, null);
            watcher.getData("/unchanged", true, null);
            watcher.getData("/deleted", true, null);
            watcher.getChildren("/kids", true);
            watcher.exists("/appears", true);
            watcher.exists("/stays-away", true);
            watcher.addWatch("/rec", AddWatchMode.PERSISTENT_RECURSIVE);
            watcher.addWatch("/per", AddWatchMode.PERSISTENT);

            proxy.block();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> events.contains("state Disconnected"));
            writer.setData("/d", "x".getBytes(), -1);
            writer.delete("/deleted", -1);
            writer.create("/kids/k", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.create("/appears", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.create("/rec/missed", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.setData("/per", "x".getBytes(), -1);
            proxy.unblock();
            Awaitility.await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> events.lastIndexOf("state SyncConnected") > events.indexOf("state Disconnected"));
            watcher.sync("/", (rc, p, c) -> { }, null);
            Thread.sleep(300);
            List<String> afterReconnect = new ArrayList<>(events);
            events.clear();
            // persistent watches are re-armed; the rest fired or are still set
            writer.create("/rec/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.setData("/per", "y".getBytes(), -1);
            writer.setData("/unchanged", "now".getBytes(), -1);
            writer.create("/stays-away", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() >= 4);
            Thread.sleep(300);
            List<String> sortedAfter = new ArrayList<>(afterReconnect);
            Collections.sort(sortedAfter);
            out.add("after reconnect " + sortedAfter);
            out.add("later " + events);
            watcher.close();
            writer.close();
        }
        return out;
    }

    @Test
    void missedChangesFireOnReconnectAndWatchesStayArmed() throws Exception {
        List<String> expected;
        List<String> actual;
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(dir.resolve("ref")))) {
            expected = run(zk);
        }
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("ours")))) {
            actual = run(corral);
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(String.join("\n", expected)).contains("NodeDataChanged /d").contains("NodeCreated /appears");
    }
}
