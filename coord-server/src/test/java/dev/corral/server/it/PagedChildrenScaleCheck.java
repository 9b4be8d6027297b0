package dev.corral.server.it;

import dev.corral.client.ChildrenPage;
import dev.corral.client.CorralZooKeeper;
import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.storage.RocksZnodeStore;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.server.tree.ZnodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;

/**
 * Issue 19's scale figure for paged getChildren: a parent with N children (5,000,000 in the issue) listed completely
 * in pages through a running server. Not a test (minutes, gigabytes): a command.
 *
 * <pre>
 * java -cp ... dev.corral.server.it.PagedChildrenScaleCheck &lt;children&gt; &lt;new dir&gt; [page size]
 * </pre>
 * It writes the children straight into a standalone server's store ({@code dir/tree}: names c000000000..., no data),
 * starts a server on it, tries the stock getChildren (it fails past about 35,000 such names), then lists every child
 * page by page with {@link CorralZooKeeper#getChildrenPage}, checking the count and the order. Prints the times.
 */
public final class PagedChildrenScaleCheck {
    private PagedChildrenScaleCheck() {
    }

    public static void main(String[] args) throws Exception {
        long children = Long.parseLong(args[0].replace("_", ""));
        Path dir = Path.of(args[1]);
        int pageSize = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists; this check wants a new directory");
        }
        long t0 = System.nanoTime();
        try (RocksZnodeStore store = RocksZnodeStore.open(dir.resolve("tree"))) {
            TreeBootstrap.ensure(store);
            long aclId = store.aclId(TreeBootstrap.OPEN_ACL_UNSAFE);
            NodeMeta parent = NodeMeta.created(1, 0, 0, aclId, NodeKind.PERSISTENT, 0, 0);
            ZnodeStore.Batch b = store.batch();
            for (long i = 0; i < children; i++) {
                b.putMeta(String.format("/big/c%09d", i), NodeMeta.created(2, 0, 0, aclId, NodeKind.PERSISTENT, 0, 0))
                        .putData(String.format("/big/c%09d", i), new byte[0]);
                parent = parent.withChildCreated(2);
                if ((i + 1) % 10_000 == 0) {
                    store.commit(b.setLastZxid(2), false);
                    b = store.batch();
                }
            }
            store.commit(b.putMeta("/big", parent).putData("/big", new byte[0]).setLastZxid(2), true);
            ZnodeStore.Batch root = store.batch();
            root.putMeta("/", store.meta("/").withChildCreated(1));
            store.commit(root, true);
        }
        System.out.printf("fill: %,d children in %,d ms%n", children, ms(t0));

        t0 = System.nanoTime();
        try (CorralServer server = CorralServer.start(ServerConfig.standalone("127.0.0.1", 0, dir))) {
            System.out.printf("server start: %,d ms%n", ms(t0));
            CountDownLatch up = new CountDownLatch(1);
            try (CorralZooKeeper zk = new CorralZooKeeper("127.0.0.1:" + server.port(), 60_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    up.countDown();
                }
            })) {
                up.await(30, TimeUnit.SECONDS);
                t0 = System.nanoTime();
                try {
                    int n = zk.getChildren("/big", false).size();
                    System.out.printf("stock getChildren: %,d names in %,d ms%n", n, ms(t0));
                } catch (KeeperException e) {
                    System.out.printf("stock getChildren: %s after %,d ms%n", e.code(), ms(t0));
                }
                while (true) {
                    try {
                        zk.exists("/", false);
                        break;
                    } catch (KeeperException.ConnectionLossException e) {
                        Thread.sleep(100);
                    }
                }
                // Page by page, checking as it goes: the client keeps one page, so the heap given to this JVM is
                // the server's (a list of 5,000,000 names would itself take about 300 MB).
                t0 = System.nanoTime();
                long seen = 0;
                long pages = 0;
                boolean ordered = true;
                String after = "";
                while (true) {
                    ChildrenPage page = zk.getChildrenPage("/big", after, pageSize);
                    pages++;
                    for (String name : page.children()) {
                        ordered &= name.equals(String.format("c%09d", seen));
                        seen++;
                    }
                    if (!page.more() || page.last() == null) {
                        break;
                    }
                    after = page.last();
                }
                long listMs = ms(t0);
                System.out.printf("paged listing: %,d names in %,d ms (%,d per page, %,d pages), complete and in "
                        + "order: %s%n", seen, listMs, pageSize, pages, seen == children && ordered);
                if (seen != children || !ordered) {
                    System.exit(1);
                }
            }
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
