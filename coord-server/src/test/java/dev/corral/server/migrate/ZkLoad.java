package dev.corral.server.migrate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Loads a mixed tree into a ZooKeeper server through the stock client: deep paths, sequentials (some deleted again),
 * containers and TTL nodes (with children, so neither is reaped), ACLs of every scheme (world, auth, digest, ip, and
 * sasl and x509 ids set by the super user), binary, empty and null data, set-data and set-ACL versions, multis (one
 * failing), ephemerals of a closed session, and {@code bulk} plain nodes to reach the wanted size.
 */
public final class ZkLoad {
    private final ZooKeeper zk;
    private final Random random = new Random(42);
    private final Semaphore window = new Semaphore(1000);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public ZkLoad(ZooKeeper zk) {
        this.zk = zk;
    }

    byte[] someData() {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return null;
        }
        if (kind == 1) {
            return new byte[0];
        }
        byte[] b = new byte[random.nextInt(48)];
        random.nextBytes(b);
        return b;
    }

    void createAsync(String path, byte[] data, List<ACL> acl, CreateMode mode, long ttl) throws InterruptedException {
        window.acquire();
        zk.create(path, data, acl, mode, (rc, p, ctx, name, stat) -> {
            if (rc != 0) {
                failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), p));
            }
            window.release();
        }, null, ttl);
    }

    void drain() throws Exception {
        if (!window.tryAcquire(1000, 120, TimeUnit.SECONDS)) {
            throw new AssertionError("creates did not finish");
        }
        window.release(1000);
        if (failure.get() != null) {
            throw new AssertionError("a create failed", failure.get());
        }
    }

    /** The mixed part (a few thousand nodes); the rest is {@link #bulk}. Run as the super user. */
    public void mixed() throws Exception {
        List<ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        zk.create("/deep", null, open, CreateMode.PERSISTENT);
        StringBuilder p = new StringBuilder("/deep");
        for (int i = 0; i < 60; i++) {
            p.append("/d").append(i);
            zk.create(p.toString(), someData(), open, CreateMode.PERSISTENT);
        }
        zk.create("/seq", new byte[0], open, CreateMode.PERSISTENT);
        List<String> seqs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            seqs.add(zk.create("/seq/s-", someData(), open,
                    i % 3 == 0 ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
                    null, i % 3 == 0 ? -1 : 3_600_000));
        }
        for (int i = 0; i < seqs.size(); i += 7) {
            zk.delete(seqs.get(i), -1);
        }
        zk.create("/containers", null, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 20; i++) {
            String c = zk.create("/containers/c" + i, someData(), open, CreateMode.CONTAINER);
            zk.create(c + "/child", someData(), open, CreateMode.PERSISTENT);
        }
        zk.create("/ttl", null, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 20; i++) {
            zk.create("/ttl/t" + i, someData(), open, CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000 + i);
            zk.create("/ttl/t" + i + "/child", someData(), open, CreateMode.PERSISTENT);
        }
        zk.create("/acl", null, open, CreateMode.PERSISTENT);
        zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        zk.create("/acl/auth", someData(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        String bob = DigestAuthenticationProvider.generateDigest("bob:pw");
        zk.create("/acl/digest", someData(), java.util.Arrays.asList(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE,
                new Id("digest", bob)), new ACL(ZooDefs.Perms.ADMIN, new Id("world", "anyone"))), CreateMode.PERSISTENT);
        zk.create("/acl/ip", someData(), java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.1")),
                new ACL(ZooDefs.Perms.READ, new Id("ip", "10.0.0.0/8"))), CreateMode.PERSISTENT);
        zk.create("/acl/readonly", someData(), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/acl/sasl", someData(), open, CreateMode.PERSISTENT);
        zk.setACL("/acl/sasl", java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "zkclient@EXAMPLE.COM"))), -1);
        zk.create("/acl/x509", someData(), open, CreateMode.PERSISTENT);
        zk.setACL("/acl/x509", java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("x509", "CN=client,O=corral"))), -1);
        zk.setACL("/acl/x509", java.util.Arrays.asList(new ACL(ZooDefs.Perms.READ, new Id("x509", "CN=client,O=corral"))), 1);
        zk.create("/data", null, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 200; i++) {
            zk.create("/data/n" + i, someData(), open, CreateMode.PERSISTENT);
            for (int v = 0; v < i % 4; v++) {
                zk.setData("/data/n" + i, someData(), v);
            }
        }
        zk.setData("/data/n5", null, -1);
        zk.setData("/data/n6", new byte[0], -1);
        zk.create("/multi", null, open, CreateMode.PERSISTENT);
        zk.multi(List.of(Op.create("/multi/a", someData(), open, CreateMode.PERSISTENT),
                Op.create("/multi/b", null, open, CreateMode.PERSISTENT_SEQUENTIAL),
                Op.setData("/multi/a", someData(), 0), Op.check("/multi", 0),
                Op.create("/multi/c", someData(), open, CreateMode.CONTAINER)));
        zk.multi(List.of(Op.create("/multi/c/x", null, open, CreateMode.PERSISTENT), Op.delete("/multi/a", -1)));
        try {
            zk.multi(List.of(Op.create("/multi/never", null, open, CreateMode.PERSISTENT),
                    Op.delete("/multi/missing", -1)));
            throw new AssertionError("the failing multi passed");
        } catch (KeeperException.NoNodeException expected) {
            // an error txn in the log
        }
    }

    /** {@code groups} parents of {@code perGroup} children each, created asynchronously. */
    public void bulk(String root, int groups, int perGroup) throws Exception {
        zk.create(root, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int g = 0; g < groups; g++) {
            zk.create(root + "/g" + g, someData(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < perGroup; i++) {
                createAsync(root + "/g" + g + "/n" + i, someData(), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT, -1);
            }
        }
        drain();
    }
}
