package dev.corral.mesos.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * The one place tests get their coordination service from. With {@code -Dcorral.connect=host:port} every test runs
 * against that server (that is how the same suite runs against Corral); otherwise against a real Apache ZooKeeper
 * 3.9 server embedded in this JVM, started once and shared (each test works under its own root znode).
 */
public final class ZkTarget {

    /** Session timeout the tests ask for; inside what both ZooKeeper (tickTime 500: 1..10 s) and Corral accept. */
    public static final int SESSION_TIMEOUT_MS = 4000;

    private static final AtomicLong ROOTS = new AtomicLong();
    private static volatile String connect;
    private static ZooKeeperServer server;

    private ZkTarget() {}

    public static synchronized String connectString() {
        if (connect == null) {
            String external = System.getProperty("corral.connect", "").trim();
            connect = external.isEmpty() ? startEmbedded() : external;
        }
        return connect;
    }

    public static boolean isEmbedded() {
        connectString();
        return server != null;
    }

    /** A fresh, not yet existing root path for one test. */
    public static String uniqueRoot(String name) {
        return "/" + name + "-" + ProcessHandle.current().pid() + "-" + ROOTS.incrementAndGet();
    }

    private static String startEmbedded() {
        try {
            Path dir = Files.createTempDirectory("zk-embedded");
            server = new ZooKeeperServer(dir.resolve("snap").toFile(), dir.resolve("log").toFile(), 500);
            ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 200);
            factory.startup(server);
            Runtime.getRuntime().addShutdownHook(new Thread(factory::shutdown));
            return "127.0.0.1:" + factory.getLocalPort();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("Cannot start the embedded ZooKeeper", e);
        }
    }

    /** A connected stock client. */
    public static ZooKeeper connect(Watcher watcher) throws IOException, InterruptedException {
        return connect(connectString(), watcher);
    }

    public static ZooKeeper connect(String connectString, Watcher watcher) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            watcher.process(event);
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("Could not connect to " + connectString);
        }
        return zk;
    }

    /**
     * Expires a session on the server, for real: attach a second handle to it and close that handle. The server
     * ends the session (its ephemerals go, its watches fire) and the owner learns it is Expired when it reconnects.
     */
    public static void expireSession(long sessionId, byte[] password) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = new ZooKeeper(connectString(), SESSION_TIMEOUT_MS, (WatchedEvent e) -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, sessionId, password);
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Could not attach to session 0x" + Long.toHexString(sessionId));
        }
        killer.close();
    }
}
