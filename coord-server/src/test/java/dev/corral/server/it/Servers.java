package dev.corral.server.it;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** Starts the two servers the differential tests compare: a real Apache ZooKeeper and Corral. */
public final class Servers {
    private Servers() {
    }

    /** A server under test: where to connect, and how to stop it. */
    public interface Target extends AutoCloseable {
        String name();

        String connectString();

        @Override
        void close();
    }

    public static Target zookeeper(Path dir) throws Exception {
        return zookeeper(dir, 2000, 4000, 40000);
    }

    public static Target zookeeper(Path dir, int tickTime, int minSession, int maxSession) throws Exception {
        File data = Files.createDirectories(dir.resolve("zk")).toFile();
        RefServer zks = new RefServer(data, tickTime);
        zks.setMinSessionTimeout(minSession);
        zks.setMaxSessionTimeout(maxSession);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new java.net.InetSocketAddress("127.0.0.1", 0), 200);
        factory.startup(zks);
        // ZooKeeperServerMain starts the container manager; an embedded server has to do it itself.
        org.apache.zookeeper.server.ContainerManager containers = new org.apache.zookeeper.server.ContainerManager(
                zks.getZKDatabase(), zks.first(),
                Integer.getInteger("znode.container.checkIntervalMs", 60_000),
                Integer.getInteger("znode.container.maxPerMinute", 10_000));
        containers.start();
        int port = factory.getLocalPort();
        return new Target() {
            @Override
            public String name() {
                return "zookeeper";
            }

            @Override
            public String connectString() {
                return "127.0.0.1:" + port;
            }

            @Override
            public void close() {
                containers.stop();
                factory.shutdown();
                zks.shutdown();
            }
        };
    }

    public static Target corral(Path dir) throws Exception {
        return corral(dir, c -> c);
    }

    public static Target corral(Path dir, UnaryOperator<ServerConfig> tweak) throws Exception {
        if ("ensemble".equals(System.getProperty("corral.target"))) {
            // -Dcorral.target=ensemble: the same suites against a three-node ensemble.
            return corralEnsemble(dir, tweak);
        }
        ServerConfig config = tweak.apply(ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral")));
        CorralServer server = CorralServer.start(config);
        return new Target() {
            @Override
            public String name() {
                return "corral";
            }

            @Override
            public String connectString() {
                return "127.0.0.1:" + server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** The reference server, with access to its request pipeline for the container manager. */
    private static final class RefServer extends ZooKeeperServer {
        RefServer(File data, int tickTime) throws java.io.IOException {
            super(data, data, tickTime);
        }

        org.apache.zookeeper.server.RequestProcessor first() {
            return firstProcessor;
        }
    }

    /** Corral as a local three-node ensemble; its connect string names all three, so clients spread over them. */
    public static Target corralEnsemble(Path dir) throws Exception {
        return corralEnsemble(dir, c -> c);
    }

    public static Target corralEnsemble(Path dir, UnaryOperator<ServerConfig> tweak) throws Exception {
        dev.corral.server.ensemble.LocalEnsemble ensemble = new dev.corral.server.ensemble.LocalEnsemble(dir, 3, tweak);
        ensemble.startAll();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (ensemble.leader() < 0 || !ensemble.allActive()) {
            if (System.nanoTime() > deadline) {
                ensemble.close();
                throw new IllegalStateException("no leader elected in 60 s");
            }
            Thread.sleep(50);
        }
        return new Target() {
            @Override
            public String name() {
                return "corral-ensemble";
            }

            @Override
            public String connectString() {
                return ensemble.connectStringAll();
            }

            @Override
            public void close() {
                ensemble.close();
            }
        };
    }

    /** A connected stock client. */
    public static ZooKeeper connect(String connectString, int sessionTimeout, Watcher watcher) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeout, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected && event.getType() == Watcher.Event.EventType.None) {
                connected.countDown();
            }
            if (watcher != null) {
                watcher.process(event);
            }
        });
        if (!connected.await(20, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("could not connect to " + connectString);
        }
        return zk;
    }
}
