package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.client.ChildrenPage;
import dev.corral.client.CorralZooKeeper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's paged getChildren: a parent too large for one getChildren reply (ZOOKEEPER-2260: "Packet len is out of
 * range" at the client) is listed completely in pages through corral-client's CorralZooKeeper, over the same
 * connection as the stock calls; pages are stable under concurrent creates and deletes; errors as getChildren's.
 * Against Apache ZooKeeper the extension is UNIMPLEMENTED (the differential pin), and stock calls are unchanged.
 */
class PagedChildrenTest {

    @TempDir
    Path dir;

    private static CorralZooKeeper connect(String cs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        CorralZooKeeper zk = new CorralZooKeeper(cs, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertThat(up.await(30, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    /** Waits until the client has its connection back (a stock client reconnects by itself). */
    private static void awaitReconnected(ZooKeeper zk) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                zk.exists("/", false);
                return;
            } catch (KeeperException.ConnectionLossException e) {
                assertThat(System.nanoTime()).as("reconnected within 30 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** Creates {@code names} under {@code parent} with many requests in flight. */
    private static void createAll(ZooKeeper zk, String parent, List<String> names) throws Exception {
        Semaphore window = new Semaphore(2000);
        AtomicInteger failed = new AtomicInteger();
        for (String n : names) {
            window.acquire();
            zk.create(parent + "/" + n, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, path, ctx, name) -> {
                        if (rc != 0) {
                            failed.incrementAndGet();
                        }
                        window.release();
                    }, null);
        }
        window.acquire(2000);
        assertThat(failed.get()).isZero();
    }

    @Test
    void aParentTooLargeForOneGetChildrenIsListedInPages() throws Exception {
        try (Servers.Target corral = Servers.corral(dir);
             CorralZooKeeper zk = connect(corral.connectString())) {
            zk.create("/big", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                names.add(String.format("child-with-a-long-name-%08d", i));     // 31 bytes: 1.75 MB in one reply
            }
            createAll(zk, "/big", names);
            assertThatThrownBy(() -> zk.getChildren("/big", false))
                    .as("the stock call: a reply over the client's 1 MiB limit")
                    .isInstanceOf(KeeperException.ConnectionLossException.class);
            awaitReconnected(zk);          // the client dropped its connection on the oversized reply
            List<String> all = zk.getAllChildren("/big", 10_000);
            assertThat(all).as("every child once, in byte order").isEqualTo(names);
            ChildrenPage first = zk.getChildrenPage("/big", "", 1_000_000);
            assertThat(first.more()).as("a huge maxCount is cut to what fits a reply").isTrue();
            assertThat(first.children().size()).isBetween(10_000, 20_000);
            assertThat(first.parentStat().getNumChildren()).isEqualTo(50_000);
        }
    }

    @Test
    void pagesBoundsAndErrors() throws Exception {
        try (Servers.Target corral = Servers.corral(dir);
             CorralZooKeeper zk = connect(corral.connectString())) {
            zk.create("/p", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                names.add("c" + (char) ('a' + i));
                zk.create("/p/" + names.get(i), null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            ChildrenPage p1 = zk.getChildrenPage("/p", "", 7);
            assertThat(p1.children()).isEqualTo(names.subList(0, 7));
            assertThat(p1.more()).isTrue();
            ChildrenPage p2 = zk.getChildrenPage("/p", p1.last(), 7);
            assertThat(p2.children()).isEqualTo(names.subList(7, 14));
            ChildrenPage p3 = zk.getChildrenPage("/p", p2.last(), 7);
            assertThat(p3.children()).isEqualTo(names.subList(14, 20));
            assertThat(p3.more()).isFalse();
            assertThat(zk.getChildrenPage("/p", "cb0", 2).children()).as("after a name that is not a child")
                    .containsExactly("cc", "cd");
            assertThat(zk.getChildrenPage("/p", "zz", 5).children()).isEmpty();
            assertThat(zk.getChildrenPage("/p/ca", "", 5)).satisfies(p -> {
                assertThat(p.children()).isEmpty();
                assertThat(p.more()).isFalse();
            });
            assertThat(p1.parentStat().getCversion()).isEqualTo(zk.exists("/p", false).getCversion());
            assertThatThrownBy(() -> zk.getChildrenPage("/p", "", 0))
                    .isInstanceOf(KeeperException.BadArgumentsException.class);
            assertThatThrownBy(() -> zk.getChildrenPage("/missing", "", 5))
                    .isInstanceOf(KeeperException.NoNodeException.class);
            zk.create("/secret", null, new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", "x:y")))),
                    CreateMode.PERSISTENT);
            assertThatThrownBy(() -> zk.getChildrenPage("/secret", "", 5))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(zk.getChildren("/p", false)).as("stock calls on the same connection").isEqualTo(names);
        }
    }

    @Test
    void aChildPresentForTheWholeListingIsReturnedExactlyOnce() throws Exception {
        try (Servers.Target corral = Servers.corral(dir);
             CorralZooKeeper zk = connect(corral.connectString());
             CorralZooKeeper writer = connect(corral.connectString())) {
            zk.create("/q", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<String> stable = new ArrayList<>();
            List<String> churn = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                (i % 2 == 0 ? stable : churn).add(String.format("n%05d", i));
            }
            createAll(zk, "/q", stable);
            createAll(zk, "/q", churn);
            AtomicBoolean stop = new AtomicBoolean();
            Thread churner = new Thread(() -> {
                int round = 0;
                while (!stop.get()) {
                    String name = churn.get(round++ % churn.size());
                    try {
                        writer.delete("/q/" + name, -1);
                        writer.create("/q/" + name + "x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException e) {
                        // already churned in an earlier round
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            churner.start();
            List<String> seen = new ArrayList<>();
            try {
                String after = "";
                while (true) {
                    ChildrenPage page = zk.getChildrenPage("/q", after, 37);
                    seen.addAll(page.children());
                    if (!page.more()) {
                        break;
                    }
                    after = page.last();
                }
            } finally {
                stop.set(true);
                churner.join();
            }
            Set<String> unique = new HashSet<>(seen);
            assertThat(unique).as("no child twice").hasSize(seen.size());
            assertThat(unique).as("every child present throughout").containsAll(stable);
            assertThat(seen).as("in byte order").isSorted();
        }
    }

    @Test
    void apacheZooKeeperAnswersTheExtensionUnimplemented() throws Exception {
        try (Servers.Target zookeeper = Servers.zookeeper(dir);
             CorralZooKeeper zk = connect(zookeeper.connectString())) {
            zk.create("/p", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThatThrownBy(() -> zk.getChildrenPage("/p", "", 5))
                    .isInstanceOf(KeeperException.UnimplementedException.class);
            // ZooKeeper closes the connection after an UNIMPLEMENTED reply (BadInputTest pins it); the session lives.
            long session = zk.getSessionId();
            awaitReconnected(zk);
            assertThat(zk.getChildren("/", false)).contains("p");
            assertThat(zk.getSessionId()).isEqualTo(session);
        }
    }
}
