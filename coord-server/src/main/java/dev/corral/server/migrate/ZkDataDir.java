package dev.corral.server.migrate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * Loads a ZooKeeper data directory as ZooKeeper 3.9 does at start-up (FileTxnSnapLog.restore): the newest snapshot
 * that reads whole (a damaged or incomplete newer one is skipped, with a warning), then every txn after its zxid from
 * the logs, applied with DataTree's replay rules.
 */
final class ZkDataDir {
    /** What a load found: the tree, and where it came from. */
    record Loaded(ZkTree tree, Path snapshot, int logs, long txns) {
    }

    private ZkDataDir() {
    }

    /** {@code dir} itself if it is a {@code version-2} directory, else {@code dir/version-2}. */
    static Path versionDir(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().equals(ZkFiles.VERSION_DIR)
                ? dir : dir.resolve(ZkFiles.VERSION_DIR);
    }

    static Loaded load(Path dataDir, Path logDir, Consumer<String> warn) throws IOException {
        Path snapDir = versionDir(dataDir);
        Path txnDir = versionDir(logDir);
        if (!Files.isDirectory(snapDir)) {
            throw new MigrationException(snapDir, "no such directory (not a ZooKeeper data directory)");
        }
        List<ZkFiles.Named> snapshots = ZkFiles.snapshots(snapDir);
        List<ZkFiles.Named> logs = ZkFiles.logs(txnDir);
        if (snapshots.isEmpty()) {
            throw new MigrationException(snapDir, logs.isEmpty() ? "no ZooKeeper snapshot or log here"
                    : "transaction logs but no snapshot (ZooKeeper refuses to start from this too)");
        }
        ZkTree tree = null;
        Path used = null;
        MigrationException last = null;
        for (ZkFiles.Named snap : snapshots) {
            if (!ZkSnapshotReader.looksComplete(snap.path())) {
                warn.accept("skipping " + snap.path() + ": incomplete (no end seal), as ZooKeeper does");
                last = new MigrationException(snap.path(), "incomplete snapshot (no end seal)");
                continue;
            }
            try {
                tree = ZkSnapshotReader.read(snap.path(), snap.zxid());
                used = snap.path();
                break;
            } catch (MigrationException e) {
                warn.accept("skipping " + e.getMessage() + "; trying an older snapshot, as ZooKeeper does");
                last = e;
            }
        }
        if (tree == null) {
            throw new MigrationException(snapDir, "no valid snapshot (newest problem: " + last.getMessage() + ")");
        }
        long from = tree.lastZxid + 1;
        long highest = tree.lastZxid;
        long txns = 0;
        List<ZkFiles.Named> replay = ZkFiles.logsAfter(logs, tree.lastZxid);
        for (ZkFiles.Named log : replay) {
            try (ZkTxnLogReader reader = new ZkTxnLogReader(log.path())) {
                for (ZkTxnLogReader.Entry e = reader.next(); e != null; e = reader.next()) {
                    long zxid = e.header().getZxid();
                    if (zxid < from) {
                        continue;
                    }
                    if (zxid < highest) {
                        warn.accept(log.path() + ": txn 0x" + Long.toHexString(zxid) + " after 0x"
                                + Long.toHexString(highest) + " (ZooKeeper logs this and applies it)");
                    } else {
                        highest = zxid;
                    }
                    try {
                        apply(tree, e.header(), e.txn());
                    } catch (IOException | RuntimeException ex) {
                        throw new MigrationException(log.path(), "txn 0x" + Long.toHexString(zxid) + ": " + ex, ex);
                    }
                    txns++;
                }
            }
        }
        tree.lastZxid = highest;
        return new Loaded(tree, used, replay.size(), txns);
    }

    /** FileTxnSnapLog.processTransaction and DataTree.processTxn, as they replay. */
    static void apply(ZkTree tree, TxnHeader h, Record txn) throws IOException {
        long zxid = h.getZxid();
        long time = h.getTime();
        switch (h.getType()) {
            case ZkOps.CREATE_SESSION -> tree.sessions.put(h.getClientId(), ((CreateSessionTxn) txn).getTimeOut());
            case ZkOps.CLOSE_SESSION -> tree.closeSession(h.getClientId(), zxid);
            case ZkOps.CREATE, ZkOps.CREATE2 -> {
                CreateTxn c = (CreateTxn) txn;
                boolean made = tree.create(c.getPath(), c.getData(), c.getAcl(),
                        c.getEphemeral() ? h.getClientId() : 0, c.getParentCVersion(), zxid, time);
                // DataTree.processTxn: a create (opcode 1 only) that meets its node still moves the parent's counters.
                if (!made && h.getType() == ZkOps.CREATE && tree.nodes.containsKey(c.getPath())) {
                    String p = c.getPath();
                    tree.setCversionPzxid(p.substring(0, p.lastIndexOf('/')), c.getParentCVersion(), zxid);
                }
            }
            case ZkOps.CREATE_TTL -> {
                CreateTTLTxn c = (CreateTTLTxn) txn;
                tree.create(c.getPath(), c.getData(), c.getAcl(), ZkTree.EXTENDED_MASK | c.getTtl(),
                        c.getParentCVersion(), zxid, time);
            }
            case ZkOps.CREATE_CONTAINER -> {
                CreateContainerTxn c = (CreateContainerTxn) txn;
                tree.create(c.getPath(), c.getData(), c.getAcl(), ZkTree.CONTAINER_OWNER, c.getParentCVersion(),
                        zxid, time);
            }
            case ZkOps.DELETE, ZkOps.DELETE_CONTAINER -> tree.delete(((DeleteTxn) txn).getPath(), zxid);
            case ZkOps.SET_DATA, ZkOps.RECONFIG -> {
                SetDataTxn s = (SetDataTxn) txn;
                tree.setData(s.getPath(), s.getData(), s.getVersion(), zxid, time);
            }
            case ZkOps.SET_ACL -> {
                SetACLTxn s = (SetACLTxn) txn;
                tree.setAcl(s.getPath(), s.getAcl(), s.getVersion());
            }
            case ZkOps.MULTI -> applyMulti(tree, h, (MultiTxn) txn);
            case ZkOps.CHECK, ZkOps.ERROR -> {
                // nothing changes
            }
            default -> throw new IOException("unsupported txn type " + h.getType());
        }
    }

    /** A multi with an error op changed nothing (ZooKeeper turns all its ops into errors); else each op in turn. */
    private static void applyMulti(ZkTree tree, TxnHeader h, MultiTxn multi) throws IOException {
        for (Txn sub : multi.getTxns()) {
            if (sub.getType() == ZkOps.ERROR) {
                return;
            }
        }
        for (Txn sub : multi.getTxns()) {
            if (sub.getType() == ZkOps.MULTI || sub.getType() == ZkOps.CREATE_SESSION
                    || sub.getType() == ZkOps.CLOSE_SESSION) {
                throw new IOException("invalid op of type " + sub.getType() + " in a multi");
            }
            Record record = ZkTxnLogReader.recordFor(sub.getType());
            record.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(sub.getData())), "txn");
            TxnHeader subHeader = new TxnHeader(h.getClientId(), h.getCxid(), h.getZxid(), h.getTime(),
                    sub.getType());
            apply(tree, subHeader, record);
        }
    }
}
