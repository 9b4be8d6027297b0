package dev.corral.server.tree;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Corral's snapshot format (the AdminServer's snapshot and restore): a stream of records holding everything a
 * {@link ZnodeStore} keeps that a client can observe, so that a restored tree is the same tree: every node with every
 * {@link NodeMeta} field (Stat, kind, TTL, the sequence counter), its data (null kept apart from empty) and its ACL
 * list, the sessions, and the last zxid. A CRC32 of everything before it closes the stream: a truncated or damaged
 * upload is refused before anything is replaced.
 *
 * <pre>
 * "CORRALSNAP" u8 version=1, i64 lastZxid
 * i32 aclCount  { i64 id, i32 n { i32 perms, str scheme, str id } }
 * { u8 1, str path, NodeMeta fields, i32 dataLen (-1: null) bytes }*  u8 0
 * i32 sessionCount { i64 id, i32 timeoutMs, i32 n bytes(password) }
 * i64 CRC32 of all the above
 * </pre>
 */
public final class TreeArchive {
    private static final byte[] MAGIC = "CORRALSNAP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** Nodes per store batch while loading: bounds the heap a restore of a large tree needs. */
    private static final int NODES_PER_BATCH = 5000;

    /** What an archive held: its last zxid and how many nodes and sessions. */
    public record Summary(long lastZxid, long nodes, int sessions) {
    }

    private TreeArchive() {
    }

    /**
     * Writes {@code store}'s committed contents to {@code out}. The caller keeps the store still meanwhile (the
     * processor thread, between requests), which is what makes the archive consistent.
     */
    public static Summary write(ZnodeStore store, OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream d = new DataOutputStream(new CheckedOutputStream(out, crc));
        d.write(MAGIC);
        d.writeByte(VERSION);
        long lastZxid = store.lastZxid();
        d.writeLong(lastZxid);
        Map<Long, List<ACL>> acls = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        // Depth first from the root, parents before children, so a load never writes an orphan.
        Deque<String> todo = new ArrayDeque<>();
        todo.push("/");
        while (!todo.isEmpty()) {
            String path = todo.pop();
            NodeMeta meta = store.meta(path);
            if (meta == null) {
                continue;
            }
            order.add(path);
            acls.computeIfAbsent(meta.aclId(), store::acl);
            List<String> kids = store.children(path);
            for (int i = kids.size() - 1; i >= 0; i--) {
                todo.push(path.equals("/") ? "/" + kids.get(i) : path + "/" + kids.get(i));
            }
        }
        d.writeInt(acls.size());
        for (var e : acls.entrySet()) {
            d.writeLong(e.getKey());
            List<ACL> list = e.getValue() == null ? List.of() : e.getValue();
            d.writeInt(list.size());
            for (ACL a : list) {
                d.writeInt(a.getPerms());
                writeString(d, a.getId().getScheme());
                writeString(d, a.getId().getId());
            }
        }
        for (String path : order) {
            NodeMeta m = store.meta(path);
            d.writeByte(1);
            writeString(d, path);
            d.writeLong(m.czxid());
            d.writeLong(m.mzxid());
            d.writeLong(m.pzxid());
            d.writeLong(m.ctime());
            d.writeLong(m.mtime());
            d.writeInt(m.version());
            d.writeInt(m.cversion());
            d.writeInt(m.aversion());
            d.writeLong(m.ephemeralOwner());
            d.writeInt(m.dataLength());
            d.writeInt(m.numChildren());
            d.writeLong(m.aclId());
            d.writeInt(m.childSeq());
            d.writeByte(m.kind().ordinal());
            d.writeLong(m.ttlMs());
            byte[] data = store.data(path);
            d.writeInt(data == null ? -1 : data.length);
            if (data != null) {
                d.write(data);
            }
        }
        d.writeByte(0);
        List<SessionRecord> sessions = new ArrayList<>();
        store.forEachSession(sessions::add);
        d.writeInt(sessions.size());
        for (SessionRecord s : sessions) {
            d.writeLong(s.sessionId());
            d.writeInt(s.timeoutMs());
            d.writeInt(s.password().length);
            d.write(s.password());
        }
        d.flush();
        long sum = crc.getValue();
        new DataOutputStream(out).writeLong(sum);
        out.flush();
        return new Summary(lastZxid, order.size(), sessions.size());
    }

    /**
     * Loads an archive into {@code empty} (a new store nothing else uses). Throws IOException naming what is wrong
     * with a stream that is not a whole, undamaged archive; the store is then garbage for the caller to drop.
     */
    public static Summary read(InputStream in, ZnodeStore empty) throws IOException {
        CRC32 crc = new CRC32();
        DataInputStream d = new DataInputStream(new CheckedInputStream(in, crc));
        try {
            byte[] magic = new byte[MAGIC.length];
            d.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a Corral snapshot (it does not start with CORRALSNAP)");
            }
            int version = d.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("unsupported Corral snapshot version " + version);
            }
            long lastZxid = d.readLong();
            ZnodeStore.Batch batch = empty.batch();
            int aclCount = d.readInt();
            for (int i = 0; i < aclCount; i++) {
                long id = d.readLong();
                int n = d.readInt();
                List<ACL> list = new ArrayList<>(Math.min(n, 1024));
                for (int j = 0; j < n; j++) {
                    int perms = d.readInt();
                    list.add(new ACL(perms, new Id(readString(d), readString(d))));
                }
                batch.putAcl(id, list);
            }
            long nodes = 0;
            while (d.readUnsignedByte() == 1) {
                String path = readString(d);
                NodeMeta m = new NodeMeta(d.readLong(), d.readLong(), d.readLong(), d.readLong(), d.readLong(),
                        d.readInt(), d.readInt(), d.readInt(), d.readLong(), d.readInt(), d.readInt(), d.readLong(),
                        d.readInt(), kind(d.readUnsignedByte()), d.readLong());
                int len = d.readInt();
                byte[] data = null;
                if (len >= 0) {
                    data = new byte[len];
                    d.readFully(data);
                }
                batch.createMeta(path, m).putData(path, data);
                // The same indexes a create writes: ephemerals by owner, containers and TTL nodes for the sweep.
                long index = TreeApplier.indexOf(m.kind(), m.ephemeralOwner());
                if (index != 0) {
                    batch.addEphemeral(index, path);
                }
                if (++nodes % NODES_PER_BATCH == 0) {
                    empty.commit(batch, false);
                    batch = empty.batch();
                }
            }
            int sessions = d.readInt();
            for (int i = 0; i < sessions; i++) {
                long id = d.readLong();
                int timeout = d.readInt();
                byte[] password = new byte[d.readInt()];
                d.readFully(password);
                batch.putSession(new SessionRecord(id, password, timeout));
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(in).readLong();
            if (stored != expected) {
                throw new IOException("Corral snapshot is damaged (checksum mismatch)");
            }
            batch.setLastZxid(lastZxid);
            empty.commit(batch, true);
            return new Summary(lastZxid, nodes, sessions);
        } catch (EOFException e) {
            throw new IOException("Corral snapshot is truncated", e);
        }
    }

    private static NodeKind kind(int ordinal) throws IOException {
        if (ordinal >= NodeKind.values().length) {
            throw new IOException("Corral snapshot names an unknown node kind " + ordinal);
        }
        return NodeKind.ofOrdinal(ordinal);
    }

    private static void writeString(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    private static String readString(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > (64 << 20)) {
            throw new IOException("Corral snapshot is damaged (a string of " + n + " bytes)");
        }
        byte[] b = new byte[n];
        d.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
