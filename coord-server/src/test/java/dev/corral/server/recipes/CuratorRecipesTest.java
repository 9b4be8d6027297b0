package dev.corral.server.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.it.Servers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Curator 5.7.1 recipes (default settings) against Corral, and the same test against the embedded ZooKeeper to show
 * the test's expectations are ZooKeeper's: CuratorCache (persistent recursive watch), container parents of
 * InterProcessMutex and LeaderLatch, DistributedBarrier, SharedCount, DistributedQueue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CuratorRecipesTest {
    private static final long CONTAINER_INTERVAL_MS = 200;

    @TempDir
    Path dir;

    private Servers.Target server;
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort: the recipe may already be closed
            }
        }
        for (CuratorFramework c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(String which) throws Exception {
        server = Targets.start(which, dir);
    }

    private CuratorFramework client() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.connectString(), 10_000, 5_000,
                new ExponentialBackoffRetry(100, 5));
        clients.add(c);
        c.start();
        assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).as("connected to %s", server.name()).isTrue();
        return c;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- CuratorCache

    @ParameterizedTest
    @ValueSource(strings = {"corral", "zookeeper"})
    void curatorCacheSeesEveryChangeAtEveryDepth(String which) throws Exception {
        start(which);
        CuratorFramework cacheClient = client();
        CuratorFramework other = client();
        other.create().creatingParentsIfNeeded().forPath("/cache/pre/x", b("x0"));

        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = CuratorCache.build(cacheClient, "/cache");
        closeables.add(cache);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> {
                    ChildData d = data != null ? data : oldData;
                    events.add(type + " " + d.getPath() + " " + s(d.getData()));
                })
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        assertThat(initialized.await(10, TimeUnit.SECONDS)).as("cache initialized").isTrue();
        // The nodes that existed before the cache started are reported as created.
        assertThat(events).containsExactlyInAnyOrder("NODE_CREATED /cache ", "NODE_CREATED /cache/pre ",
                "NODE_CREATED /cache/pre/x x0");
        int mark = events.size();

        // One change at a time from another session, each awaited: every one must reach the listener.
        List<String> expected = new ArrayList<>();
        ZooKeeper zk = other.getZookeeperClient().getZooKeeper();
        step(events, expected, "NODE_CREATED /cache/a 1", () -> zk.create("/cache/a", b("1"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        step(events, expected, "NODE_CREATED /cache/a/b 2", () -> zk.create("/cache/a/b", b("2"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        step(events, expected, "NODE_CREATED /cache/a/b/c 3", () -> zk.create("/cache/a/b/c", b("3"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        step(events, expected, "NODE_CREATED /cache/a/b/c/d 4", () -> zk.create("/cache/a/b/c/d", b("4"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        step(events, expected, "NODE_CHANGED /cache/a/b/c/d 4b", () -> zk.setData("/cache/a/b/c/d", b("4b"), -1));
        step(events, expected, "NODE_CHANGED /cache/a/b 2b", () -> zk.setData("/cache/a/b", b("2b"), -1));
        step(events, expected, "NODE_CHANGED /cache root", () -> zk.setData("/cache", b("root"), -1));
        step(events, expected, "NODE_CREATED /cache/a/b/e eph", () -> zk.create("/cache/a/b/e", b("eph"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
        step(events, expected, "NODE_CREATED /cache/a/s-0000000001 seq", () -> zk.create("/cache/a/s-", b("seq"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
        step(events, expected, "NODE_DELETED /cache/a/b/c/d 4b", () -> zk.delete("/cache/a/b/c/d", -1));
        step(events, expected, "NODE_CHANGED /cache/a/b/c 3c", () -> zk.setData("/cache/a/b/c", b("3c"), -1));
        step(events, expected, "NODE_DELETED /cache/pre/x x0", () -> zk.delete("/cache/pre/x", -1));
        step(events, expected, "NODE_DELETED /cache/pre ", () -> zk.delete("/cache/pre", -1));
        step(events, expected, "NODE_CHANGED /cache/a/b/e eph2", () -> zk.setData("/cache/a/b/e", b("eph2"), -1));
        step(events, expected, "NODE_CREATED /cache/pre again", () -> zk.create("/cache/pre", b("again"),
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        // A node outside the cached subtree is not reported.
        other.create().forPath("/cachex", b("outside"));
        step(events, expected, "NODE_CHANGED /cache/a 1b", () -> zk.setData("/cache/a", b("1b"), -1));

        Thread.sleep(300); // nothing more may arrive
        assertThat(events.subList(mark, events.size())).containsExactlyElementsOf(expected);

        // The cache holds exactly the tree: paths, data and stats.
        Map<String, String> tree = new TreeMap<>();
        walk(zk, "/cache", tree);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, String> cached = new TreeMap<>();
            cache.stream().forEach(d -> cached.put(d.getPath(), s(d.getData()) + " v" + d.getStat().getVersion()
                    + " m" + Long.toHexString(d.getStat().getMzxid())));
            assertThat(cached).isEqualTo(tree);
        });
        assertThat(tree).containsOnlyKeys("/cache", "/cache/a", "/cache/a/b", "/cache/a/b/c", "/cache/a/b/e",
                "/cache/a/s-0000000001", "/cache/pre");
    }

    private interface Op {
        void run() throws Exception;
    }

    private static void step(List<String> events, List<String> expected, String event, Op op) throws Exception {
        expected.add(event);
        op.run();
        await().atMost(Duration.ofSeconds(5)).alias("cache event " + event).until(() -> events.contains(event));
    }

    private static void walk(ZooKeeper zk, String path, Map<String, String> out) throws Exception {
        Stat stat = new Stat();
        byte[] data = zk.getData(path, false, stat);
        out.put(path, s(data) + " v" + stat.getVersion() + " m" + Long.toHexString(stat.getMzxid()));
        for (String child : zk.getChildren(path, false)) {
            walk(zk, path + "/" + child, out);
        }
    }

    // ---------------------------------------------------------------- containers

    @ParameterizedTest
    @ValueSource(strings = {"corral", "zookeeper"})
    void mutexAndLatchParentsAreContainersThatVanishWhenReleased(String which) throws Exception {
        server = Targets.withContainerInterval(CONTAINER_INTERVAL_MS, () -> Targets.start(which, dir));
        CuratorFramework a = client();
        CuratorFramework b = client();
        ZooKeeper zk = a.getZookeeperClient().getZooKeeper();
        // Control: a persistent node that has had a child is not swept.
        a.create().forPath("/plain");
        a.create().forPath("/plain/child");
        a.delete().forPath("/plain/child");

        InterProcessMutex ma = new InterProcessMutex(a, "/locks/res");
        InterProcessMutex mb = new InterProcessMutex(b, "/locks/res");
        ma.acquire();
        assertThat(mb.acquire(200, TimeUnit.MILLISECONDS)).as("second client gets the held lock").isFalse();

        LeaderLatch la = new LeaderLatch(a, "/latch/group", "a");
        LeaderLatch lb = new LeaderLatch(b, "/latch/group", "b");
        la.start();
        lb.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> la.hasLeadership() ^ lb.hasLeadership());

        for (String parent : List.of("/locks", "/locks/res", "/latch", "/latch/group")) {
            Stat stat = zk.exists(parent, false);
            assertThat(stat).as("%s exists", parent).isNotNull();
            assertThat(stat.getEphemeralOwner()).as("%s ephemeralOwner", parent).isZero();
        }
        // Several sweeps later, the containers are still there: they have children.
        Thread.sleep(4 * CONTAINER_INTERVAL_MS);
        assertThat(zk.getChildren("/locks/res", false)).hasSize(1);
        assertThat(zk.getChildren("/latch/group", false)).hasSize(2);

        ma.release();
        la.close();
        lb.close();
        // Released: the lock container is empty, or already swept.
        Stat lockStat = zk.exists("/locks/res", false);
        assertThat(lockStat == null || lockStat.getNumChildren() == 0).as("/locks/res emptied").isTrue();
        // LeaderLatch.close() deletes its node in the background (and the sweeper may already have taken the
        // emptied container).
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Stat stat = zk.exists("/latch/group", false);
            return stat == null || stat.getNumChildren() == 0;
        });
        // Each level goes in one sweep once empty: the leaf containers, then their parents at the next sweep.
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> zk.exists("/locks", false) == null && zk.exists("/latch", false) == null);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("%s: lock and latch containers gone %d ms after release%n", which, tookMs);
        assertThat(zk.exists("/plain", false)).as("plain persistent node survives the sweeps").isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zookeeper"})
    void emptiedContainerGoesWithinOneCheckIntervalOnZooKeeper(String which) throws Exception {
        emptiedContainerGoesWithinOneCheckInterval(which);
    }

    @ParameterizedTest
    @ValueSource(strings = {"corral"})
    void emptiedContainerGoesWithinOneCheckIntervalOnCorral(String which) throws Exception {
        emptiedContainerGoesWithinOneCheckInterval(which);
    }

    /**
     * znode.container.checkIntervalMs is the sweep period: a lock container emptied by the release is deleted by
     * the next sweep, so within one interval (plus slack for a loaded machine).
     */
    private void emptiedContainerGoesWithinOneCheckInterval(String which) throws Exception {
        server = Targets.withContainerInterval(CONTAINER_INTERVAL_MS, () -> Targets.start(which, dir));
        CuratorFramework a = client();
        ZooKeeper zk = a.getZookeeperClient().getZooKeeper();
        a.create().forPath("/locks");
        long worstMs = 0;
        for (int i = 0; i < 3; i++) {
            InterProcessMutex m = new InterProcessMutex(a, "/locks/r" + i);
            m.acquire();
            assertThat(zk.exists("/locks/r" + i, false).getEphemeralOwner()).isZero();
            m.release();
            long t0 = System.nanoTime();
            String path = "/locks/r" + i;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> zk.exists(path, false) == null);
            worstMs = Math.max(worstMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        System.out.printf("%s: emptied lock container gone at worst %d ms after release (interval %d ms)%n",
                which, worstMs, CONTAINER_INTERVAL_MS);
        assertThat(worstMs).as("worst time from release to container deletion, ms")
                .isLessThanOrEqualTo(CONTAINER_INTERVAL_MS + 300);
    }

    // ---------------------------------------------------------------- DistributedBarrier

    @ParameterizedTest
    @ValueSource(strings = {"corral", "zookeeper"})
    void barrierWaitersBlockUntilRemoved(String which) throws Exception {
        start(which);
        DistributedBarrier owner = new DistributedBarrier(client(), "/barriers/b1");
        owner.setBarrier();
        int waiters = 3;
        ExecutorService pool = Executors.newFixedThreadPool(waiters);
        try {
            AtomicInteger passed = new AtomicInteger();
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                DistributedBarrier barrier = new DistributedBarrier(client(), "/barriers/b1");
                results.add(pool.submit(() -> {
                    boolean ok = barrier.waitOnBarrier(20, TimeUnit.SECONDS);
                    passed.incrementAndGet();
                    return ok;
                }));
            }
            Thread.sleep(700);
            assertThat(passed.get()).as("waiters past a set barrier").isZero();
            // A bounded wait on a set barrier times out.
            assertThat(new DistributedBarrier(client(), "/barriers/b1").waitOnBarrier(300, TimeUnit.MILLISECONDS))
                    .isFalse();
            owner.removeBarrier();
            for (Future<Boolean> r : results) {
                assertThat(r.get(5, TimeUnit.SECONDS)).as("waitOnBarrier result").isTrue();
            }
            // With no barrier, waiting returns at once.
            assertThat(new DistributedBarrier(client(), "/barriers/b1").waitOnBarrier(1, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- SharedCount

    @ParameterizedTest
    @ValueSource(strings = {"corral", "zookeeper"})
    void sharedCountConcurrentTrySetLosesNoIncrement(String which) throws Exception {
        start(which);
        int clientCount = 4;
        int increments = 25;
        ExecutorService pool = Executors.newFixedThreadPool(clientCount);
        AtomicInteger conflicts = new AtomicInteger();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clientCount; c++) {
                SharedCount count = new SharedCount(client(), "/shared/count", 0);
                closeables.add(count);
                count.start();
                work.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            VersionedValue<Integer> v = count.getVersionedValue();
                            if (count.trySetCount(v, v.getValue() + 1)) {
                                break;
                            }
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(40, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = clientCount * increments;
        SharedCount reader = new SharedCount(client(), "/shared/count", 0);
        closeables.add(reader);
        reader.start();
        assertThat(reader.getCount()).as("final count").isEqualTo(total);
        Stat stat = clients.get(0).checkExists().forPath("/shared/count");
        assertThat(stat.getVersion()).as("one successful set per increment").isEqualTo(total);
        System.out.printf("%s: %d increments, %d version conflicts retried%n", which, total, conflicts.get());
    }

    // ---------------------------------------------------------------- DistributedQueue

    @ParameterizedTest
    @ValueSource(strings = {"corral", "zookeeper"})
    void distributedQueueConsumesEveryItemExactlyOnce(String which) throws Exception {
        start(which);
        QueueSerializer<String> serializer = new QueueSerializer<>() {
            @Override
            public byte[] serialize(String item) {
                return b(item);
            }

            @Override
            public String deserialize(byte[] bytes) {
                return s(bytes);
            }
        };
        Map<String, AtomicInteger> consumed = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        for (int c = 0; c < 3; c++) {
            String consumerName = "c" + c;
            QueueConsumer<String> consumer = new QueueConsumer<>() {
                @Override
                public void consumeMessage(String item) {
                    consumed.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
                    total.incrementAndGet();
                }

                @Override
                public void stateChanged(CuratorFramework client, ConnectionState newState) {
                }

                @Override
                public String toString() {
                    return consumerName;
                }
            };
            DistributedQueue<String> q = QueueBuilder.builder(client(), consumer, serializer, "/queues/q").buildQueue();
            closeables.add(q);
            q.start();
        }
        DistributedQueue<String> producer = QueueBuilder.builder(client(), null, serializer, "/queues/q").buildQueue();
        closeables.add(producer);
        producer.start();
        int items = 60;
        List<String> put = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            String item = "item-" + i;
            put.add(item);
            producer.put(item);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> total.get() >= items);
        Thread.sleep(300); // a duplicate delivery would show up now
        assertThat(consumed.keySet()).containsExactlyInAnyOrderElementsOf(put);
        assertThat(consumed.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(total.get()).isEqualTo(items);
        assertThat(clients.get(0).getChildren().forPath("/queues/q")).as("queue nodes left").isEmpty();
    }
}
