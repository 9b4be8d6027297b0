package dev.corral.server.migrate;

import dev.corral.server.storage.RocksZnodeStore;
import dev.corral.server.storage.StoreOptions;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import dev.corral.server.tree.TreeApplier;
import dev.corral.server.tree.ZnodeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.zookeeper.data.ACL;

/**
 * {@code import-zookeeper}: a ZooKeeper data directory (the newest valid snapshot and the logs after it) written as a
 * new Corral data directory, whose tree store holds every znode with its data, ACL and every Stat field, the
 * sequence counters, the live sessions (with the passwords ZooKeeper gave them, so their clients can reconnect) and
 * ZooKeeper's last zxid. Ephemerals of sessions that are gone are dropped as ZooKeeper drops them on restart.
 */
public final class ZooKeeperImport {
    /** ZooKeeperServer.superSecret: a session's password is 16 bytes of Random(id ^ this). */
    private static final long SUPER_SECRET = 0XB3415C00L;
    private static final int NODES_PER_BATCH = 5000;

    /** What was imported. */
    public record Result(long lastZxid, long nodes, int sessions, int droppedEphemerals, Path snapshot, int logs,
                         long txns) {
    }

    private ZooKeeperImport() {
    }

    /** Refuses a {@code to} that exists and is not empty; writes {@code to/tree}. */
    public static Result run(Path dataDir, Path logDir, Path to, Consumer<String> warn) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> s = Files.list(to)) {
                if (s.findAny().isPresent()) {
                    throw new MigrationException(to, "not empty: import writes a new Corral data directory");
                }
            }
        }
        ZkDataDir.Loaded loaded = ZkDataDir.load(dataDir, logDir == null ? dataDir : logDir, warn);
        ZkTree tree = loaded.tree();
        int dropped = dropDeadEphemerals(tree);
        Files.createDirectories(to);
        try (RocksZnodeStore store = RocksZnodeStore.open(to.resolve("tree"),
                StoreOptions.defaults().withoutWriteAheadLog())) {
            long nodes = write(tree, store);
            return new Result(tree.lastZxid, nodes, tree.sessions.size(), dropped, loaded.snapshot(), loaded.logs(),
                    loaded.txns());
        }
    }

    /**
     * ZooKeeperServer.loadData: an ephemeral whose session is not among the sessions is deleted, as of the last
     * zxid (no txn: its parent's pzxid moves up to the last zxid, its cversion stays).
     */
    static int dropDeadEphemerals(ZkTree tree) {
        List<String> dead = new ArrayList<>();
        Map<Long, Boolean> seen = new HashMap<>();
        for (var e : tree.nodes.entrySet()) {
            long owner = e.getValue().ephemeralOwner;
            if (ZkTree.isSessionOwner(owner) && !seen.computeIfAbsent(owner, tree.sessions::containsKey)) {
                dead.add(e.getKey());
            }
        }
        for (String path : dead) {
            tree.delete(path, tree.lastZxid);
        }
        return dead.size();
    }

    private static long write(ZkTree tree, ZnodeStore store) {
        Map<List<ACL>, Long> aclIds = new HashMap<>();
        ZnodeStore.Batch batch = store.batch();
        long count = 0;
        for (String zkPath : tree.pathsInOrder()) {
            ZkTree.Node n = tree.nodes.get(zkPath);
            String path = zkPath.isEmpty() ? "/" : zkPath;
            Long aclId = aclIds.get(n.acl);
            if (aclId == null) {
                aclId = aclIds.size() + 1L;
                aclIds.put(n.acl, aclId);
                batch.putAcl(aclId, n.acl);
            }
            NodeKind kind = kindOf(n.ephemeralOwner);
            int numChildren = n.numChildren();
            NodeMeta meta = new NodeMeta(n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime, n.version,
                    2 * n.cversion - numChildren, n.aversion, kind == NodeKind.EPHEMERAL ? n.ephemeralOwner : 0,
                    n.data == null ? 0 : n.data.length, numChildren, aclId, n.cversion, kind,
                    kind == NodeKind.TTL ? n.ephemeralOwner & ZkTree.TTL_VALUE_MASK : 0);
            batch.createMeta(path, meta).putData(path, n.data);
            switch (kind) {
                case EPHEMERAL -> batch.addEphemeral(n.ephemeralOwner, path);
                case CONTAINER -> batch.addEphemeral(TreeApplier.CONTAINER_INDEX, path);
                case TTL -> batch.addEphemeral(TreeApplier.TTL_INDEX, path);
                default -> { }
            }
            if (++count % NODES_PER_BATCH == 0) {
                store.commit(batch, false);
                batch = store.batch();
            }
        }
        for (var s : tree.sessions.entrySet()) {
            batch.putSession(new SessionRecord(s.getKey(), password(s.getKey()), s.getValue()));
        }
        batch.setLastZxid(tree.lastZxid);
        store.commit(batch, true);
        return count;
    }

    static NodeKind kindOf(long owner) {
        if (ZkTree.isContainer(owner)) {
            return NodeKind.CONTAINER;
        }
        if (ZkTree.isTtl(owner)) {
            return NodeKind.TTL;
        }
        return owner != 0 ? NodeKind.EPHEMERAL : NodeKind.PERSISTENT;
    }

    /** The password ZooKeeper handed the session's client (ZooKeeperServer.generatePasswd). */
    static byte[] password(long sessionId) {
        byte[] p = new byte[16];
        new Random(sessionId ^ SUPER_SECRET).nextBytes(p);
        return p;
    }
}
