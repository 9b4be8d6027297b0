package dev.corral.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ZooCfg;
import dev.corral.server.it.Servers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corral's snapshot archive restored into another server: the same tree as the stock client sees it (data, null
 * apart from empty, every Stat field, ACLs), the same hidden counters (the next sequential suffix), the same
 * archive when snapshotted again (so every stored field, node kind and TTL included, came back), and the sessions:
 * the snapshot's session reconnects to the restored server and still owns its ephemeral, while a session the
 * snapshot does not hold is expired. A damaged upload is refused and changes nothing.
 */
class SnapshotRoundTripTest {
    static final String ADMIN = "digest admin:secret";

    @TempDir
    Path dir;

    Properties props(String name) {
        Properties p = new Properties();
        p.setProperty("dataDir", dir.resolve(name).toString());
        p.setProperty("clientPort", "0");
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.serverAddress", "127.0.0.1");
        p.setProperty("admin.serverPort", "0");
        p.setProperty("extendedTypesEnabled", "true");
        try {
            p.setProperty("DigestAuthenticationProvider.superDigest",
                    DigestAuthenticationProvider.generateDigest("super:root"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return p;
    }

    static List<ACL> acl(String scheme, String id, int perms) {
        return new ArrayList<>(List.of(new ACL(perms, new Id(scheme, id))));
    }

    /** Nodes of every kind and the counters a tree hides, built by a client of its own session. */
    static void build(ZooKeeper zk) throws Exception {
        var open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        zk.create("/app", "root".getBytes(), open, CreateMode.PERSISTENT);
        zk.create("/app/null", null, open, CreateMode.PERSISTENT);
        zk.create("/app/empty", new byte[0], open, CreateMode.PERSISTENT);
        zk.create("/app/bin", new byte[] {0, 1, 2, (byte) 255}, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 5; i++) {
            zk.setData("/app/bin", new byte[] {(byte) i}, -1);
        }
        zk.create("/app/q", null, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 4; i++) {
            zk.create("/app/q/job-", ("" + i).getBytes(), open, CreateMode.PERSISTENT_SEQUENTIAL);
        }
        zk.delete("/app/q/job-0000000001", -1);
        zk.create("/app/secret", "s".getBytes(), acl("digest",
                DigestAuthenticationProvider.generateDigest("bob:pw"), ZooDefs.Perms.ALL), CreateMode.PERSISTENT);
        zk.create("/app/ipnode", "i".getBytes(), acl("ip", "10.0.0.0/8", ZooDefs.Perms.READ),
                CreateMode.PERSISTENT);
        zk.create("/app/acl", null, open, CreateMode.PERSISTENT);
        zk.setACL("/app/acl", acl("world", "anyone", ZooDefs.Perms.READ | ZooDefs.Perms.WRITE), -1);
        zk.create("/app/container", null, open, CreateMode.CONTAINER);
        zk.create("/app/container/c", null, open, CreateMode.PERSISTENT);
        zk.create("/app/ttl", "t".getBytes(), open, CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000);
        zk.create("/app/eph", "e".getBytes(), open, CreateMode.EPHEMERAL);
        zk.create("/app/ephseq-", null, open, CreateMode.EPHEMERAL_SEQUENTIAL);
        zk.addAuthInfo("digest", "super:root".getBytes());
        // Only the super user (and ALL holders) may now snapshot or restore this server.
        zk.setACL("/", acl("digest", DigestAuthenticationProvider.generateDigest("admin:secret"),
                ZooDefs.Perms.ALL), -1);
    }

    /** Every node as the stock client sees it: path, data, Stat, ACL (as super, so nothing is hidden). */
    static List<String> tree(ZooKeeper zk) throws Exception {
        List<String> out = new ArrayList<>();
        walk(zk, "/", out);
        return out;
    }

    static void walk(ZooKeeper zk, String path, List<String> out) throws Exception {
        Stat stat = new Stat();
        byte[] data = zk.getData(path, false, stat);
        List<ACL> acl = zk.getACL(path, new Stat());
        out.add(path + " data=" + (data == null ? "null" : Arrays.toString(data)) + " stat=" + stat.toString().trim()
                + " acl=" + acl);
        for (String child : new java.util.TreeSet<>(zk.getChildren(path, false))) {
            walk(zk, path.equals("/") ? "/" + child : path + "/" + child, out);
        }
    }

    static ZooKeeper superClient(CorralServer s) throws Exception {
        ZooKeeper zk = Servers.connect("127.0.0.1:" + s.port(), 30000, null);
        zk.addAuthInfo("digest", "super:root".getBytes());
        return zk;
    }

    @Test
    void aRestoredTreeIsTheSameTree() throws Exception {
        try (CorralServer a = CorralServer.start(ZooCfg.parse(props("a"), null));
             CorralServer b = CorralServer.start(ZooCfg.parse(props("b"), null))) {
            ZooKeeper owner = Servers.connect("127.0.0.1:" + a.port(), 30000, null);
            build(owner);
            long ownerId = owner.getSessionId();
            byte[] ownerPassword = owner.getSessionPasswd();
            var snapshot = SnapshotRestoreTest.send(a.adminPort(), "GET", "/commands/snapshot", ADMIN, null);
            assertThat(snapshot.status()).isEqualTo(200);
            assertThat(snapshot.contentType()).isEqualTo("application/octet-stream");

            // A client of b whose session the snapshot does not hold.
            CountDownLatch expired = new CountDownLatch(1);
            ZooKeeper bystander = Servers.connect("127.0.0.1:" + b.port(), 30000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.Expired) {
                    expired.countDown();
                }
            });
            bystander.create("/gone", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            var restored = SnapshotRestoreTest.send(b.adminPort(), "POST", "/commands/restore", "digest super:root",
                    snapshot.body());
            assertThat(restored.status()).isEqualTo(200);
            assertThat(restored.json().get("last_zxid").asLong())
                    .isEqualTo(Long.decode(snapshot.headers().get("last_zxid")));
            // Snapshotted again at once: the same archive byte for byte (kinds, TTLs, counters, sessions included).
            var again = SnapshotRestoreTest.send(b.adminPort(), "GET", "/commands/snapshot", ADMIN, null);
            assertThat(again.status()).isEqualTo(200);
            assertThat(Arrays.equals(again.body(), snapshot.body())).as("b's archive equals a's").isTrue();
            // Well within the client's own ping timeout (2/3 of 30 s): the server closed the connection at once.
            assertThat(expired.await(5, TimeUnit.SECONDS)).as("a session the snapshot lacks is expired").isTrue();
            bystander.close();

            try (ZooKeeper za = superClient(a); ZooKeeper zb = superClient(b)) {
                assertThat(tree(zb)).isEqualTo(tree(za));
                assertThat(zb.exists("/gone", false)).isNull();
                // The sequence counter (creations, not cversion) came back too.
                assertThat(zb.create("/app/q/job-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL))
                        .isEqualTo(za.create("/app/q/job-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT_SEQUENTIAL));
                assertThat(zb.exists("/app/eph", false).getEphemeralOwner()).isEqualTo(ownerId);
            }

            // The snapshot's session resumes on b and still owns its ephemeral.
            owner.getTestable().injectSessionExpiration();
            ZooKeeper resumed = new ZooKeeper("127.0.0.1:" + b.port(), 30000, e -> { }, ownerId, ownerPassword);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> resumed.getState().isConnected());
                assertThat(resumed.getSessionId()).isEqualTo(ownerId);
                resumed.close();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try (ZooKeeper zb = superClient(b)) {
                        return zb.exists("/app/eph", false) == null;
                    }
                });
            } finally {
                resumed.close();
            }
        }
    }

    @Test
    void aDamagedUploadIsRefusedAndChangesNothing() throws Exception {
        try (CorralServer a = CorralServer.start(ZooCfg.parse(props("a"), null));
             CorralServer b = CorralServer.start(ZooCfg.parse(props("b"), null));
             ZooKeeper zb = Servers.connect("127.0.0.1:" + b.port(), 30000, null)) {
            zb.create("/keep", "k".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            try (ZooKeeper za = Servers.connect("127.0.0.1:" + a.port(), 30000, null)) {
                za.create("/other", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            byte[] good = SnapshotRestoreTest.send(a.adminPort(), "GET", "/commands/snapshot", ADMIN, null).body();
            byte[] bad = good.clone();
            bad[bad.length / 2] ^= 0x5a;
            var reply = SnapshotRestoreTest.send(b.adminPort(), "POST", "/commands/restore", ADMIN, bad);
            assertThat(reply.status()).isEqualTo(500);
            assertThat(zb.exists("/keep", false)).isNotNull();
            assertThat(zb.exists("/other", false)).isNull();
            zb.create("/still-writable", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    /** A restored container or TTL node is swept like a created one (the restore writes the sweep's indexes too). */
    @Test
    void restoredContainersAndTtlNodesAreSwept() throws Exception {
        System.setProperty("znode.container.checkIntervalMs", "100");
        try (CorralServer a = CorralServer.start(ZooCfg.parse(props("a"), null));
             CorralServer b = CorralServer.start(ZooCfg.parse(props("b"), null))) {
            try (ZooKeeper za = Servers.connect("127.0.0.1:" + a.port(), 30000, null)) {
                za.create("/box", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
                za.create("/box/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                za.create("/short", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 500);
                za.setACL("/", acl("digest", DigestAuthenticationProvider.generateDigest("admin:secret"),
                        ZooDefs.Perms.ALL), -1);
            }
            var snapshot = SnapshotRestoreTest.send(a.adminPort(), "GET", "/commands/snapshot", ADMIN, null);
            assertThat(snapshot.status()).isEqualTo(200);
            assertThat(SnapshotRestoreTest.send(b.adminPort(), "POST", "/commands/restore", ADMIN, snapshot.body())
                    .status()).isEqualTo(200);
            try (ZooKeeper zb = superClient(b)) {
                assertThat(zb.exists("/box", false)).isNotNull();
                zb.delete("/box/c", -1);
                await().atMost(Duration.ofSeconds(20)).until(() -> zb.exists("/box", false) == null
                        && zb.exists("/short", false) == null);
            }
        } finally {
            System.clearProperty("znode.container.checkIntervalMs");
        }
    }
}
