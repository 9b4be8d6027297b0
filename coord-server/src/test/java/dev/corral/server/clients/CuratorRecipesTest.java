package dev.corral.server.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.it.Servers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Curator 5 recipes, with Curator's default settings, against Corral: leader latch and the inter-process mutex. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CuratorRecipesTest {
    @TempDir
    Path dir;

    private Servers.Target corral;
    private final List<CuratorFramework> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        corral = Servers.corral(dir);
    }

    @AfterEach
    void stop() {
        for (CuratorFramework c : clients) {
            c.close();
        }
        corral.close();
    }

    private CuratorFramework client() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(corral.connectString(), 10_000, 5_000,
                new ExponentialBackoffRetry(100, 5));
        clients.add(c);
        c.start();
        assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).as("connected to Corral").isTrue();
        return c;
    }

    /**
     * ZooKeeper's sync: on an ensemble, another client's acknowledged write may not have reached this client's server
     * yet; after a sync, this session's reads see it (as with ZooKeeper).
     */
    private static void sync(CuratorFramework client, String path) throws Exception {
        java.util.concurrent.CountDownLatch synced = new java.util.concurrent.CountDownLatch(1);
        client.getZookeeperClient().getZooKeeper().sync(path, (rc, p, c) -> synced.countDown(), null);
        assertThat(synced.await(10, TimeUnit.SECONDS)).as("sync of " + path).isTrue();
    }

    @Test
    void leaderLatchElectsExactlyOneLeaderAndHandsOver() throws Exception {
        List<LeaderLatch> latches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeaderLatch latch = new LeaderLatch(client(), "/election", "p" + i);
            latches.add(latch);
            latch.start();
        }
        // Sample leadership all along: two leaders at once is the bug this recipe exists to prevent.
        AtomicInteger maxLeaders = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                int n = 0;
                for (LeaderLatch l : latches) {
                    if (l.hasLeadership()) {
                        n++;
                    }
                }
                maxLeaders.accumulateAndGet(n, Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }, "leader-sampler");
        sampler.start();
        try {
            List<String> leaders = new ArrayList<>();
            List<LeaderLatch> remaining = new ArrayList<>(latches);
            while (!remaining.isEmpty()) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> remaining.stream().filter(LeaderLatch::hasLeadership).count() == 1);
                LeaderLatch leader = remaining.stream().filter(LeaderLatch::hasLeadership).findFirst().orElseThrow();
                leaders.add(leader.getId());
                // Every participant agrees on who leads, as seen through the znodes.
                for (LeaderLatch l : remaining) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> l.getLeader().getId().equals(leader.getId()));
                    assertThat(l.getParticipants()).hasSize(remaining.size());
                }
                leader.close();
                remaining.remove(leader);
            }
            assertThat(leaders).containsExactlyInAnyOrder("p0", "p1", "p2");
            // LeaderLatch.close() deletes its node in the background: wait for the last delete, not just sync.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                sync(clients.get(0), "/election");
                assertThat(clients.get(0).getChildren().forPath("/election")).isEmpty();
            });
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(maxLeaders.get()).as("most leaders seen at once").isEqualTo(1);
    }

    @Test
    void interProcessMutexLosesNoUpdate() throws Exception {
        int clientCount = 4;
        int threadsPerClient = 2;
        int incrementsPerThread = 15;
        CuratorFramework admin = client();
        admin.create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clientCount * threadsPerClient);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clientCount; c++) {
                CuratorFramework client = client();
                for (int t = 0; t < threadsPerClient; t++) {
                    // One mutex object per thread: InterProcessMutex is re-entrant per thread, not per client.
                    InterProcessMutex mutex = new InterProcessMutex(client, "/locks/counter");
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < incrementsPerThread; i++) {
                            if (!mutex.acquire(30, TimeUnit.SECONDS)) {
                                throw new AssertionError("lock not acquired within 30 s");
                            }
                            try {
                                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                                // Read, yield, write back unconditionally: without mutual exclusion, updates get lost.
                                Stat stat = new Stat();
                                int value = Integer.parseInt(new String(
                                        client.getData().storingStatIn(stat).forPath("/counter"),
                                        StandardCharsets.UTF_8));
                                Thread.sleep(1);
                                client.setData().forPath("/counter",
                                        Integer.toString(value + 1).getBytes(StandardCharsets.UTF_8));
                                holders.decrementAndGet();
                            } finally {
                                mutex.release();
                            }
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get(80, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = clientCount * threadsPerClient * incrementsPerThread;
        sync(admin, "/locks/counter");       // the last release and update came through other sessions
        Stat stat = new Stat();
        String value = new String(admin.getData().storingStatIn(stat).forPath("/counter"), StandardCharsets.UTF_8);
        assertThat(value).isEqualTo(Integer.toString(total));
        assertThat(stat.getVersion()).isEqualTo(total);
        assertThat(maxHolders.get()).as("most lock holders at once").isEqualTo(1);
        // Every lock node was removed on release.
        assertThat(admin.getChildren().forPath("/locks/counter")).isEmpty();
    }
}
