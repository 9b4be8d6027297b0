package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.storage.RocksZnodeStore;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.server.tree.ZnodeStore;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * getChildren of a parent with millions of children used to build the whole reply, and 5,000,000 names ran a
 * 256 MiB server out of memory (its request thread died: found by PagedChildrenScaleCheck). Now a reply is built up
 * to the larger of jute.maxbuffer and 8 MiB of names, as ZooKeeper would build it (a client that raised its
 * jute.maxbuffer gets it), and past that refused with MARSHALLINGERROR while the server goes on.
 */
class LargeChildrenReplyTest {

    @TempDir
    Path dir;

    /** {@code count} children of /big written straight into a standalone server's store (seconds, not minutes). */
    private void fill(int count) {
        try (RocksZnodeStore store = RocksZnodeStore.open(dir.resolve("tree"))) {
            TreeBootstrap.ensure(store);
            long acl = store.aclId(TreeBootstrap.OPEN_ACL_UNSAFE);
            NodeMeta parent = NodeMeta.created(1, 0, 0, acl, NodeKind.PERSISTENT, 0, 0);
            ZnodeStore.Batch b = store.batch();
            for (int i = 0; i < count; i++) {
                String p = String.format("/big/child-with-a-longer-name-%09d", i);   // 38 bytes + 4 in a reply
                b.putMeta(p, NodeMeta.created(2, 0, 0, acl, NodeKind.PERSISTENT, 0, 0)).putData(p, new byte[0]);
                parent = parent.withChildCreated(2);
                if ((i + 1) % 10_000 == 0) {
                    store.commit(b.setLastZxid(2), false);
                    b = store.batch();
                }
            }
            store.commit(b.putMeta("/big", parent).putData("/big", new byte[0]).setLastZxid(2), true);
            store.commit(store.batch().putMeta("/", store.meta("/").withChildCreated(1)), true);
        }
    }

    private static ZooKeeper bigRepliesClient(String cs) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(64 << 20));
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(cs, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        }, config);
        assertThat(up.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    @Test
    void aReplyPastTheBoundIsRefusedAndTheServerGoesOn() throws Exception {
        fill(250_000);                                                       // 10.5 MB of names
        try (CorralServer server = CorralServer.start(ServerConfig.standalone("127.0.0.1", 0, dir));
             ZooKeeper zk = bigRepliesClient("127.0.0.1:" + server.port())) {
            assertThatThrownBy(() -> zk.getChildren("/big", false))
                    .isInstanceOf(KeeperException.MarshallingErrorException.class);
            assertThat(zk.exists("/big", false).getNumChildren()).as("the connection and the server go on")
                    .isEqualTo(250_000);
        }
    }

    @Test
    void aReplyWithinTheBoundIsBuiltForAClientThatTakesIt() throws Exception {
        fill(150_000);                                                       // 6.3 MB of names
        try (CorralServer server = CorralServer.start(ServerConfig.standalone("127.0.0.1", 0, dir));
             ZooKeeper zk = bigRepliesClient("127.0.0.1:" + server.port())) {
            assertThat(zk.getChildren("/big", false)).hasSize(150_000)
                    .startsWith("child-with-a-longer-name-000000000").isSorted();
        }
    }
}
