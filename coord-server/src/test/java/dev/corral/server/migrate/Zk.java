package dev.corral.server.migrate;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/** Helpers of the migration tests: a connected stock client; ZooKeeper 3.9.5 embedded on given directories. */
final class Zk {
    static {
        // TTL and container owners are read as such (and not as sessions) only with extended types on.
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        // The walks read every node, whatever its ACL, as the super user.
        System.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", ZkChildProcess.SUPER_DIGEST);
    }

    private Zk() {
    }

    /** A client authenticated as the super user, as the walks need. */
    static ZooKeeper connectSuper(String connect) throws Exception {
        ZooKeeper zk = connect(connect, 30_000);
        zk.addAuthInfo("digest", "super:test".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return zk;
    }

    static ZooKeeper connect(String connect, int timeoutMs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, timeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + connect);
        }
        return zk;
    }

    /** A running embedded ZooKeeper. */
    record Embedded(ZooKeeperServer server, ServerCnxnFactory factory) implements AutoCloseable {
        String connectString() {
            return "127.0.0.1:" + factory.getLocalPort();
        }

        @Override
        public void close() {
            factory.shutdown();
            server.shutdown();
        }
    }

    /** ZooKeeper started on {@code snapDir} and {@code logDir} as they are (each holds or gets version-2). */
    static Embedded start(Path snapDir, Path logDir) throws Exception {
        ZooKeeperServer zks = new ZooKeeperServer(new FileTxnSnapLog(logDir.toFile(), snapDir.toFile()), 2000, "");
        zks.setMaxSessionTimeout(600_000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(zks);
        return new Embedded(zks, factory);
    }
}
