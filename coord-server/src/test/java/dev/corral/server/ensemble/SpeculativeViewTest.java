package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.it.ServersAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader prepares each write against the store plus every txn still in flight. Under pipelined load something is
 * always in flight, and the leader trims that speculative view as each prefix of its txns reaches the store.
 * Conditional writes pipelined by one session only succeed if each sees the one before it, and sequential creates
 * get contiguous names only if the parent's counters never lose an in-flight create, so a trim that dropped a record
 * still needed shows up as BADVERSION or a gap; one that kept too much shows as records left once the load is done.
 */
class SpeculativeViewTest {
    private static final int PER_CLIENT = 1500;
    /** Writes each session keeps outstanding: enough that some are always in flight while others commit. */
    private static final int WINDOW = 64;

    @TempDir
    Path dir;

    @Test
    void pipelinedConditionalWritesSeeEveryWriteInFlight() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3)) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> ensemble.leader() > 0 && ensemble.allActive());
            List<ZooKeeper> clients = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                clients.add(ServersAccess.connect(ensemble.connectString(id), 8000));
            }
            ZooKeeper first = clients.get(0);
            first.create("/cv", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            first.create("/cv/seq", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int c = 0; c < clients.size(); c++) {
                first.create("/cv/n" + c, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }

            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(clients.size() * PER_CLIENT * 2);
            List<Thread> writers = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                ZooKeeper zk = clients.get(c);
                String node = "/cv/n" + c;
                Semaphore window = new Semaphore(WINDOW);
                Thread writer = new Thread(() -> {
                    for (int k = 0; k < PER_CLIENT; k++) {
                        int expected = k;
                        window.acquireUninterruptibly(2);
                        // version k exists only once the k setData calls before this one have applied
                        zk.setData(node, ("v" + k).getBytes(), expected, (rc, path, ctx, stat) -> {
                            if (rc != 0) {
                                failures.add(path + " at version " + expected + ": " + KeeperException.Code.get(rc));
                            }
                            window.release();
                            done.countDown();
                        }, null);
                        zk.create("/cv/seq/s", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL,
                                (rc, path, ctx, name) -> {
                                    if (rc == 0) {
                                        created.add(name);
                                    } else {
                                        failures.add("create: " + KeeperException.Code.get(rc));
                                    }
                                    window.release();
                                    done.countDown();
                                }, null);
                    }
                });
                writer.start();
                writers.add(writer);
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).as("every write answered").isTrue();
            for (Thread w : writers) {
                w.join();
            }
            assertThat(failures).as("%d failures", failures.size()).isEmpty();

            int total = clients.size() * PER_CLIENT;
            Set<String> expectedNames = new HashSet<>();
            for (int i = 0; i < total; i++) {
                expectedNames.add(String.format("/cv/seq/s%010d", i));
            }
            assertThat(new HashSet<>(created)).isEqualTo(expectedNames);
            for (ZooKeeper zk : clients) {
                CountDownLatch synced = new CountDownLatch(1);
                zk.sync("/cv", (rc, p, ctx) -> synced.countDown(), null);
                assertThat(synced.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(zk.getChildren("/cv/seq", false)).hasSize(total);
                for (int c = 0; c < clients.size(); c++) {
                    Stat stat = new Stat();
                    byte[] data = zk.getData("/cv/n" + c, false, stat);
                    assertThat(stat.getVersion()).isEqualTo(PER_CLIENT);
                    assertThat(new String(data)).isEqualTo("v" + (PER_CLIENT - 1));
                }
                Stat parent = zk.exists("/cv/seq", false);
                assertThat(parent.getNumChildren()).isEqualTo(total);
                assertThat(parent.getCversion()).isEqualTo(total);
            }
            int leader = ensemble.leader();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ensemble.running[leader].member().speculativeRecords())
                            .as("records the leader's speculative view holds with nothing in flight").isZero());
            for (ZooKeeper zk : clients) {
                zk.close();
            }
        }
    }
}
