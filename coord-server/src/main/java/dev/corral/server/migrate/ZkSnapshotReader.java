package dev.corral.server.migrate;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.StatPersisted;

/**
 * Reads one ZooKeeper 3.5-3.9 snapshot file (FileSnap): the header ("ZKSN", version 2, dbid), the sessions and their
 * timeouts, the ACL cache, the nodes (root first, its path ""; "/" ends them), the Adler32 seal, then (3.6+) the
 * zxid digest and its own seal. Gzipped snapshots ({@code .gz}) are read too; snappy ones are refused by name.
 */
final class ZkSnapshotReader {
    static final int SNAP_MAGIC = 0x5a4b534e; // "ZKSN"

    private ZkSnapshotReader() {
    }

    /**
     * ZooKeeper's cheap validity test (SnapStream.isValidSnapshot): an uncompressed snapshot ends with the seal's
     * "/" (int 1, then '/'); ZooKeeper skips files that do not, without a word.
     */
    static boolean looksComplete(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".gz") || file.getFileName().toString().endsWith(".snappy")) {
            return true;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            if (raf.length() < 10) {
                return false;
            }
            raf.seek(raf.length() - 5);
            return raf.readInt() == 1 && raf.readByte() == '/';
        }
    }

    /** Reads {@code file} into a new tree whose last zxid is the one in the file's name. */
    static ZkTree read(Path file, long nameZxid) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".snappy")) {
            throw new MigrationException(file, "snappy-compressed snapshots are not supported; start ZooKeeper with"
                    + " zookeeper.snapshot.compression.method=gz or none and let it write a new snapshot");
        }
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : new BufferedInputStream(raw, 1 << 16);
            CheckedInputStream checked = new CheckedInputStream(in, new Adler32());
            BinaryInputArchive ia = BinaryInputArchive.getArchive(checked);
            ZkFileHeader.check(file, ia, SNAP_MAGIC, "snapshot");
            ZkTree tree = new ZkTree();
            int count = ia.readInt("count");
            for (int i = 0; i < count; i++) {
                tree.sessions.put(ia.readLong("id"), ia.readInt("timeout"));
            }
            Map<Long, List<ACL>> acls = new HashMap<>();
            int aclLists = ia.readInt("map");
            for (int i = 0; i < aclLists; i++) {
                long id = ia.readLong("long");
                int n = ia.readInt("acls");
                List<ACL> list = new ArrayList<>(Math.max(0, Math.min(n, 64)));
                for (int j = 0; j < n; j++) {
                    ACL acl = new ACL();
                    acl.deserialize(ia, "acl");
                    list.add(acl);
                }
                acls.put(id, tree.intern(list));
            }
            String path = ia.readString("path");
            while (!"/".equals(path)) {
                if (path == null) {
                    throw new MigrationException(file, "damaged: a node without a path");
                }
                ZkTree.Node node = new ZkTree.Node();
                node.data = ia.readBuffer("data");
                long aclId = ia.readLong("acl");
                StatPersisted s = new StatPersisted();
                s.deserialize(ia, "statpersisted");
                node.acl = aclId == ZkTree.OPEN_UNSAFE_ACL_ID ? tree.intern(ZkTree.OPEN_ACL_UNSAFE) : acls.get(aclId);
                if (node.acl == null) {
                    throw new MigrationException(file, "node " + path + " names ACL " + aclId + ", not in the ACL cache");
                }
                node.czxid = s.getCzxid();
                node.mzxid = s.getMzxid();
                node.ctime = s.getCtime();
                node.mtime = s.getMtime();
                node.version = s.getVersion();
                node.cversion = s.getCversion();
                node.aversion = s.getAversion();
                node.ephemeralOwner = s.getEphemeralOwner();
                node.pzxid = s.getPzxid();
                try {
                    tree.load(path, node);
                } catch (IllegalStateException e) {
                    throw new MigrationException(file, "damaged: " + e.getMessage());
                }
                path = ia.readString("path");
            }
            checkSeal(file, checked, ia);
            // 3.6+: the digest of the tree at some zxid, sealed again. Older snapshots end here.
            boolean digest;
            try {
                ia.readLong("zxid");
                digest = true;
            } catch (EOFException e) {
                digest = false;
            }
            if (digest) {
                int digestVersion = ia.readInt("digestVersion");
                if (digestVersion < 2) {
                    ia.readString("digest");
                } else {
                    ia.readLong("digest");
                }
                checkSeal(file, checked, ia);
            }
            if (tree.nodes.get("") == null) {
                throw new MigrationException(file, "damaged: no root node");
            }
            tree.lastZxid = nameZxid;
            return tree;
        } catch (MigrationException e) {
            throw e;
        } catch (EOFException e) {
            throw new MigrationException(file, "truncated snapshot", e);
        } catch (IOException | RuntimeException e) {
            throw new MigrationException(file, "damaged snapshot (" + e.getMessage() + ")", e);
        }
    }

    private static void checkSeal(Path file, CheckedInputStream in, BinaryInputArchive ia) throws IOException {
        long expected = in.getChecksum().getValue();
        long stored = ia.readLong("val");
        ia.readString("path");
        if (stored != expected) {
            throw new MigrationException(file, "checksum mismatch (Adler32 0x" + Long.toHexString(stored)
                    + " stored, 0x" + Long.toHexString(expected) + " computed)");
        }
    }
}
