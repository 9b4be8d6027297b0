package dev.corral.server.migrate;

import dev.corral.server.storage.RocksZnodeStore;
import dev.corral.server.storage.StoreException;
import dev.corral.server.storage.StoreOptions;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import dev.corral.server.tree.ZnodeStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.Adler32;
import java.util.zip.CheckedOutputStream;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.StatPersisted;

/**
 * {@code export-zookeeper}: a stopped Corral server's tree written as a ZooKeeper 3.9 data directory:
 * {@code version-2/snapshot.<lastZxid>} (FileSnap's format: header, sessions, ACL cache, nodes, seal, an empty digest,
 * seal) and the {@code acceptedEpoch} and {@code currentEpoch} files a quorum peer checks against the zxid's epoch.
 */
public final class ZooKeeperExport {
    private static final long SNAP_DBID = -1L;

    /** What was exported. */
    public record Result(long lastZxid, long nodes, int sessions, Path snapshot) {
    }

    private ZooKeeperExport() {
    }

    public static Result run(Path corralDataDir, Path to) throws IOException {
        Path treeDir = corralDataDir.resolve("tree");
        if (!Files.isDirectory(treeDir)) {
            throw new MigrationException(treeDir, "no Corral tree store here (not a Corral data directory)");
        }
        Path versionDir = to.resolve(ZkFiles.VERSION_DIR);
        if (Files.isDirectory(versionDir) && !ZkFiles.snapshots(versionDir).isEmpty()) {
            throw new MigrationException(versionDir, "already holds ZooKeeper snapshots: export into an empty directory");
        }
        RocksZnodeStore store;
        try {
            store = RocksZnodeStore.open(treeDir, StoreOptions.defaults());
        } catch (StoreException e) {
            throw new MigrationException(treeDir, "cannot open the store (stop the Corral server first): "
                    + e.getMessage(), e);
        }
        try (store) {
            Files.createDirectories(versionDir);
            long zxid = store.lastZxid();
            Path snap = versionDir.resolve("snapshot." + Long.toHexString(zxid));
            Path tmp = versionDir.resolve("snapshot." + Long.toHexString(zxid) + ".tmp-export");
            long nodes;
            int sessions;
            try (java.io.FileOutputStream file = new java.io.FileOutputStream(tmp.toFile());
                 CheckedOutputStream out = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16),
                         new Adler32())) {
                BinaryOutputArchive oa = BinaryOutputArchive.getArchive(out);
                ZkFileHeader.write(oa, ZkSnapshotReader.SNAP_MAGIC, SNAP_DBID);
                List<SessionRecord> list = new ArrayList<>();
                store.forEachSession(list::add);
                sessions = list.size();
                oa.writeInt(sessions, "count");
                for (SessionRecord s : list) {
                    oa.writeLong(s.sessionId(), "id");
                    oa.writeInt(s.timeoutMs(), "timeout");
                }
                nodes = writeTree(store, oa);
                seal(out, oa);
                // The zxid digest of 3.6+, empty (zxid 0): ZooKeeper then skips its digest comparison.
                oa.writeLong(0, "zxid");
                oa.writeInt(2, "digestVersion");
                oa.writeLong(0, "digest");
                seal(out, oa);
                out.flush();
                file.getFD().sync();
            }
            Files.move(tmp, snap, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            String epoch = Long.toString(zxid >>> 32);
            Files.writeString(to.resolve("acceptedEpoch"), epoch, StandardCharsets.US_ASCII);
            Files.writeString(to.resolve("currentEpoch"), epoch, StandardCharsets.US_ASCII);
            return new Result(zxid, nodes, sessions, snap);
        }
    }

    private static long writeTree(ZnodeStore store, BinaryOutputArchive oa) throws IOException {
        // The ACL cache first: every id a node names (Corral's ids become ZooKeeper's).
        List<String> order = new ArrayList<>();
        Set<Long> aclIds = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push("/");
        while (!todo.isEmpty()) {
            String path = todo.pop();
            NodeMeta m = store.meta(path);
            if (m == null) {
                continue;
            }
            order.add(path);
            aclIds.add(m.aclId());
            for (String kid : store.children(path)) {
                todo.push(path.equals("/") ? "/" + kid : path + "/" + kid);
            }
        }
        oa.writeInt(aclIds.size(), "map");
        for (long id : aclIds) {
            oa.writeLong(id, "long");
            List<ACL> list = store.acl(id);
            oa.writeInt(list.size(), "acls");
            for (ACL a : list) {
                a.serialize(oa, "acl");
            }
        }
        for (String path : order) {
            NodeMeta m = store.meta(path);
            oa.writeString(path.equals("/") ? "" : path, "path");
            oa.writeBuffer(store.data(path), "data");
            oa.writeLong(m.aclId(), "acl");
            // ZooKeeper keeps child creations in cversion and shows 2 * cversion - numChildren.
            int persistedCversion = Math.floorDiv(m.cversion() + m.numChildren(), 2);
            new StatPersisted(m.czxid(), m.mzxid(), m.ctime(), m.mtime(), m.version(), persistedCversion,
                    m.aversion(), owner(m), m.pzxid()).serialize(oa, "statpersisted");
        }
        oa.writeString("/", "path");
        return order.size();
    }

    private static long owner(NodeMeta m) {
        if (m.kind() == NodeKind.CONTAINER) {
            return ZkTree.CONTAINER_OWNER;
        }
        if (m.kind() == NodeKind.TTL) {
            return ZkTree.EXTENDED_MASK | (m.ttlMs() & ZkTree.TTL_VALUE_MASK);
        }
        return m.kind() == NodeKind.EPHEMERAL ? m.ephemeralOwner() : 0;
    }

    private static void seal(CheckedOutputStream out, BinaryOutputArchive oa) throws IOException {
        oa.writeLong(out.getChecksum().getValue(), "val");
        oa.writeString("/", "path");
    }
}
