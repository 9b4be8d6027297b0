package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.config.ReadConsistencyConfig;
import dev.corral.server.it.ServersAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linearizable reads in a three-member ensemble (in-process members, real sockets, stock clients): every read op
 * waits for a read index and answers as before; a write acknowledged to one client is seen by the next read of any
 * client on any member; and a session's pipelined read, write, read keep their order (the first read does not see the
 * write sent after it).
 */
class LinearizableReadsEnsembleTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyReadOpOfEveryMemberSeesTheLastAcknowledgedWrite() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3, c -> c.withReads(new ReadConsistencyConfig(true)))) {
            ensemble.startAll();
            List<ZooKeeper> clients = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                clients.add(ServersAccess.connect(ensemble.connectString(id), 8000));
            }
            ZooKeeper writer = clients.get(0);
            writer.create("/p", b("v0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 1; i <= 30; i++) {
                writer.setData("/p", b("v" + i), -1);
                writer.create("/p/c" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                // The writes are acknowledged: a read through any member now must see them.
                ZooKeeper reader = clients.get(i % 3);
                assertThat(new String(reader.getData("/p", false, null), StandardCharsets.UTF_8)).isEqualTo("v" + i);
                assertThat(reader.exists("/p/c" + i, false)).isNotNull();
                assertThat(reader.getChildren("/p", false)).hasSize(i);
                Stat stat = new Stat();
                assertThat(reader.getChildren("/p", false, stat)).hasSize(i);
                assertThat(stat.getNumChildren()).isEqualTo(i);
                assertThat(reader.getAllChildrenNumber("/p")).isEqualTo(i);
                assertThat(reader.getACL("/p", null)).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
                assertThat(reader.getEphemerals("/p")).isEmpty();
                List<OpResult> multi = reader.multi(List.of(Op.getData("/p"), Op.getChildren("/p")));
                assertThat(new String(((OpResult.GetDataResult) multi.get(0)).getData(), StandardCharsets.UTF_8))
                        .isEqualTo("v" + i);
            }
            for (ZooKeeper zk : clients) {
                zk.close();
            }
        }
    }

    @Test
    void aSessionsPipelinedReadWriteReadKeepTheirOrder() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3)) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leader() > 0 && ensemble.allActive());
            int follower = ensemble.leader() % 3 + 1;
            try (ZooKeeper zk = ServersAccess.connect(ensemble.connectString(follower), 8000)) {
                zk.addAuthInfo("corral", b("linearizable"));
                zk.create("/k", b("0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 1; i <= 50; i++) {
                    CompletableFuture<String> before = new CompletableFuture<>();
                    CompletableFuture<Integer> write = new CompletableFuture<>();
                    CompletableFuture<String> after = new CompletableFuture<>();
                    zk.getData("/k", false, (rc, p, ctx, data, s) -> before.complete(rc + ":" + new String(data)), null);
                    zk.setData("/k", b(Integer.toString(i)), -1, (rc, p, ctx, s) -> write.complete(rc), null);
                    zk.getData("/k", false, (rc, p, ctx, data, s) -> after.complete(rc + ":" + new String(data)), null);
                    assertThat(before.get(20, TimeUnit.SECONDS)).isEqualTo("0:" + (i - 1));
                    assertThat(write.get(20, TimeUnit.SECONDS)).isZero();
                    assertThat(after.get(20, TimeUnit.SECONDS)).isEqualTo("0:" + i);
                }
            }
        }
    }
}
