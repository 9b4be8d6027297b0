package dev.corral.server.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.storage.Dirs;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged ZooKeeper files (one flipped byte, a cut), each read both by ZooKeeper 3.9.5's own loader (ZKDatabase over
 * FileTxnSnapLog, as a server starts) and by the importer: where ZooKeeper loads (an older snapshot instead of a
 * damaged or incomplete newest one, a torn last log record) the importer loads the same tree, Stat for Stat, at the
 * same zxid; where ZooKeeper refuses, the import stops with exit code 1 and one line naming the file.
 */
class DamagedZooKeeperFilesTest {
    @TempDir
    static Path shared;
    static Path pristine;

    @TempDir
    Path dir;

    @BeforeAll
    static void zooKeeperFiles() throws Exception {
        pristine = shared.resolve("zk");
        try (ZkChildProcess zkp = ZkChildProcess.start(pristine, pristine, 200)) {
            ZooKeeper zk = Zk.connect(zkp.connectString(), 30_000);
            ZkLoad load = new ZkLoad(zk);
            load.bulk("/b", 4, 150);
            ZooKeeper other = Zk.connect(zkp.connectString(), 30_000);
            for (int i = 0; i < 40; i++) {
                zk.setData("/b/g0/n" + i, new byte[] {(byte) i}, -1);
                zk.create("/b/g3/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
                zk.delete("/b/g1/n" + i, -1);
                other.create("/b/g2/e" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                zk.create("/b/g2/c" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
                zk.create("/b/g2/t" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null,
                        60_000);
                zk.multi(List.of(org.apache.zookeeper.Op.create("/b/g2/m" + i, new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), org.apache.zookeeper.Op.delete(
                        "/b/g2/c" + i, -1)));
            }
            other.close();
            zkp.kill();
            zk.close();
        }
    }

    Path copy() throws IOException {
        Path d = dir.resolve("copy");
        Dirs.copy(pristine, d);
        return d;
    }

    static Path v2(Path d) {
        return d.resolve("version-2");
    }

    @Test
    void intactFilesLoadAsZooKeeperLoadsThem() throws Exception {
        Path d = copy();
        assertThat(ZkFiles.snapshots(v2(d))).hasSizeGreaterThan(2);
        assertThat(ZkFiles.logs(v2(d))).hasSizeGreaterThan(2);
        sameAsZooKeeper(d, List.of());
    }

    @Test
    void aGzippedSnapshotLoadsAsZooKeeperLoadsIt() throws Exception {
        Path d = copy();
        Path newest = ZkFiles.snapshots(v2(d)).get(0).path();
        Path gz = newest.resolveSibling(newest.getFileName() + ".gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(newest, out);
        }
        Files.delete(newest);
        List<String> warnings = new ArrayList<>();
        ZkDataDir.Loaded loaded = sameAsZooKeeper(d, warnings);
        assertThat(warnings).isEmpty();
        assertThat(loaded.snapshot()).isEqualTo(gz);
    }

    @Test
    void aFlippedByteInTheNewestSnapshotFallsBackToTheOlderOneAsZooKeeperDoes() throws Exception {
        newestSnapshotSkipped(newest -> flip(newest, Files.size(newest) / 2));
    }

    @Test
    void aCutNewestSnapshotIsSkippedAsZooKeeperSkipsIt() throws Exception {
        newestSnapshotSkipped(newest -> cut(newest, Files.size(newest) / 2));
    }

    /** Damages the newest snapshot: the import warns naming it and loads what ZooKeeper loads (the older one). */
    void newestSnapshotSkipped(Damage damage) throws Exception {
        Path d = copy();
        Path newest = ZkFiles.snapshots(v2(d)).get(0).path();
        damage.apply(newest);
        List<String> warnings = new ArrayList<>();
        sameAsZooKeeper(d, warnings);
        assertThat(warnings).anyMatch(w -> w.contains(newest.toString()));
    }

    interface Damage {
        void apply(Path file) throws IOException;
    }

    @Test
    void aFlippedByteInTheOnlySnapshotIsAnErrorNamingIt() throws Exception {
        Path d = copy();
        List<ZkFiles.Named> snaps = ZkFiles.snapshots(v2(d));
        for (ZkFiles.Named s : snaps.subList(1, snaps.size())) {
            Files.delete(s.path());
        }
        Path only = snaps.get(0).path();
        flip(only, Files.size(only) / 2);
        zooKeeperRefuses(d);
        ZooKeeperMigrationTest.Result r = importInto(d);
        assertThat(r.code()).isEqualTo(1);
        assertThat(errorLine(r)).contains(only.toString());
    }

    @Test
    void aFlippedByteInALogRecordIsAnErrorNamingTheLog() throws Exception {
        Path d = copy();
        Path last = lastLog(d);
        // The first record: ZooKeeper rolls its log at a random point, so the newest may hold only one.
        long[] record = records(last).get(0);
        flip(last, record[0] + 12 + record[1] / 2);
        zooKeeperRefuses(d);
        ZooKeeperMigrationTest.Result r = importInto(d);
        assertThat(r.code()).isEqualTo(1);
        assertThat(errorLine(r)).contains(last.toString()).contains("checksum");
    }

    @Test
    void aTornLastLogRecordIsDroppedAsZooKeeperDropsIt() throws Exception {
        Path d = copy();
        Path last = lastLog(d);
        List<long[]> recs = records(last);
        long[] lastRecord = recs.get(recs.size() - 1);
        cut(last, lastRecord[0] + 12 + lastRecord[1] / 2);
        ZkDataDir.Loaded ours = sameAsZooKeeper(d, List.of());
        ZkDataDir.Loaded whole = ZkDataDir.load(pristine, pristine, w -> { });
        assertThat(ours.tree().lastZxid).isEqualTo(whole.tree().lastZxid - 1);
    }

    @Test
    void badArgumentsExitTwoWithTheUsage() {
        ZooKeeperMigrationTest.Result r = ZooKeeperMigrationTest.tool("import-zookeeper", "--data-dir", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("missing --to").contains("usage: corral");
        assertThat(ZooKeeperMigrationTest.tool("frobnicate").code()).isEqualTo(2);
        assertThat(ZooKeeperMigrationTest.tool().code()).isEqualTo(2);
        assertThat(ZooKeeperMigrationTest.tool("help").code()).isZero();
    }

    /** The one error line (after any warnings). */
    static String errorLine(ZooKeeperMigrationTest.Result r) {
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("corral: warning: ")).toList();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    ZooKeeperMigrationTest.Result importInto(Path zkDir) {
        return ZooKeeperMigrationTest.tool("import-zookeeper", "--data-dir", zkDir.toString(), "--to",
                dir.resolve("corral").toString());
    }

    static Path lastLog(Path d) throws IOException {
        List<ZkFiles.Named> logs = ZkFiles.logs(v2(d));
        return logs.get(logs.size() - 1).path();
    }

    /** Each record of a log: {offset, length of its txn bytes}, up to the padding. */
    static List<long[]> records(Path log) throws IOException {
        List<long[]> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(log)))) {
            in.skipNBytes(16);
            long offset = 16;
            while (true) {
                in.readLong();
                int len = in.readInt();
                if (len <= 0) {
                    return out;
                }
                out.add(new long[] {offset, len});
                in.skipNBytes(len + 1L);
                offset += 8 + 4 + len + 1;
            }
        }
    }

    static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }

    static void cut(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    static void zooKeeperRefuses(Path d) throws IOException {
        Path copy = d.resolveSibling(d.getFileName() + "-zk");
        Dirs.copy(d, copy);
        FileTxnSnapLog files = new FileTxnSnapLog(copy.toFile(), copy.toFile());
        assertThatThrownBy(() -> new ZKDatabase(files).loadDataBase()).isInstanceOf(IOException.class);
        files.close();
    }

    /** Loads {@code d} with ZooKeeper's loader (on a copy) and with ours; the two trees must be equal. */
    static ZkDataDir.Loaded sameAsZooKeeper(Path d, List<String> warnings) throws IOException {
        Path copy = d.resolveSibling(d.getFileName() + "-zk");
        Dirs.copy(d, copy);
        FileTxnSnapLog files = new FileTxnSnapLog(copy.toFile(), copy.toFile());
        ZKDatabase db = new ZKDatabase(files);
        long zkZxid = db.loadDataBase();
        ZkDataDir.Loaded ours = ZkDataDir.load(d, d, warnings::add);
        ZkTree tree = ours.tree();
        assertThat(tree.lastZxid).as("last zxid").isEqualTo(zkZxid);
        assertThat(tree.sessions).as("sessions").isEqualTo(Map.copyOf(db.getSessionWithTimeOuts()));
        DataTree dt = db.getDataTree();
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(""));
        while (!todo.isEmpty()) {
            String path = todo.remove(todo.size() - 1);
            seen.add(path);
            DataNode zkNode = dt.getNode(path.isEmpty() ? "/" : path);
            ZkTree.Node node = tree.nodes.get(path);
            assertThat(node).as("node " + path).isNotNull();
            StatPersisted s = zkNode.stat;
            assertThat(new long[] {node.czxid, node.mzxid, node.ctime, node.mtime, node.version, node.cversion,
                node.aversion, node.ephemeralOwner, node.pzxid}).as("stat of " + path).containsExactly(s.getCzxid(),
                    s.getMzxid(), s.getCtime(), s.getMtime(), s.getVersion(), s.getCversion(), s.getAversion(),
                    s.getEphemeralOwner(), s.getPzxid());
            assertThat(Arrays.equals(node.data, zkNode.getData()) && (node.data == null) == (zkNode.getData() == null))
                    .as("data of " + path).isTrue();
            assertThat(node.acl).as("acl of " + path).isEqualTo(dt.getACL(zkNode));
            Set<String> kids = zkNode.getChildren();
            assertThat(node.children == null ? Set.of() : node.children).as("children of " + path)
                    .isEqualTo(kids == null ? Set.of() : kids);
            if (kids != null) {
                for (String k : kids) {
                    todo.add(path + "/" + k);
                }
            }
        }
        assertThat(seen).hasSize(tree.nodes.size());
        files.close();
        return ours;
    }
}
