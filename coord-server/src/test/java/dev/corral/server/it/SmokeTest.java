package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void stockClientCreatesReadsAndDeletes() throws Exception {
        try (Servers.Target corral = Servers.corral(dir)) {
            ZooKeeper zk = Servers.connect(corral.connectString(), 10000, null);
            try {
                assertThat(zk.create("/a", "hello".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                        .isEqualTo("/a");
                Stat stat = new Stat();
                assertThat(new String(zk.getData("/a", false, stat))).isEqualTo("hello");
                assertThat(stat.getDataLength()).isEqualTo(5);
                assertThat(zk.getChildren("/", false)).containsExactlyInAnyOrder("a", "zookeeper");
                assertThatThrownBy(() -> zk.create("/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                        .isInstanceOf(KeeperException.NodeExistsException.class);
                zk.delete("/a", 0);
                assertThat(zk.exists("/a", false)).isNull();
            } finally {
                zk.close();
            }
        }
    }
}
