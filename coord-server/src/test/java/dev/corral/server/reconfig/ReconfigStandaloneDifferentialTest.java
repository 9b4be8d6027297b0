package dev.corral.server.reconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ReconfigConfig;
import dev.corral.server.config.ServerConfig;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone server and reconfiguration, against an embedded ZooKeeper 3.9.5 standalone server: {@code
 * /zookeeper/config} is empty (only an ensemble fills it), and a reconfig is answered ReconfigDisabled, or with
 * reconfigEnabled Unimplemented ("standalone mode - reconfiguration currently not supported").
 */
class ReconfigStandaloneDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void disabled() throws Exception {
        assertThat(corral(false)).isEqualTo(zookeeper(false)).contains("reconfig: RECONFIGDISABLED");
    }

    @Test
    void enabled() throws Exception {
        assertThat(corral(true)).isEqualTo(zookeeper(true)).contains("reconfig: UNIMPLEMENTED");
    }

    private List<String> corral(boolean enabled) throws Exception {
        ServerConfig config = ServerConfig.standalone("127.0.0.1", 0, dir.resolve("corral-" + enabled))
                .withReconfig(new ReconfigConfig(enabled, true, null, null, 0));
        try (CorralServer server = CorralServer.start(config)) {
            return surface("127.0.0.1:" + server.port());
        }
    }

    private List<String> zookeeper(boolean enabled) throws Exception {
        File data = Files.createDirectories(dir.resolve("zk-" + enabled)).toFile();
        FileTxnSnapLog log = new FileTxnSnapLog(data, data);
        ZooKeeperServer zks = new ZooKeeperServer(log, 2000, -1, -1, -1, new ZKDatabase(log), "", enabled);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 50);
        factory.startup(zks);
        try {
            return surface("127.0.0.1:" + factory.getLocalPort());
        } finally {
            factory.shutdown();
            zks.shutdown();
        }
    }

    private static List<String> surface(String connect) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        List<String> seen = new ArrayList<>();
        try (ZooKeeperAdmin zk = new ZooKeeperAdmin(connect, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        })) {
            assertThat(up.await(20, TimeUnit.SECONDS)).isTrue();
            Stat stat = new Stat();
            seen.add("config: '" + new String(zk.getConfig(false, stat), StandardCharsets.UTF_8) + "' version="
                    + stat.getVersion() + " aversion=" + stat.getAversion() + " mzxid=" + stat.getMzxid());
            seen.add("acl: " + zk.getACL("/zookeeper/config", new Stat()));
            zk.addAuthInfo("digest", "anyone:at-all".getBytes(StandardCharsets.UTF_8));
            try {
                zk.reconfigure(null, "2", null, -1, new Stat());
                seen.add("reconfig: ok");
            } catch (KeeperException e) {
                seen.add("reconfig: " + e.code().name());
            }
        }
        return seen;
    }
}
