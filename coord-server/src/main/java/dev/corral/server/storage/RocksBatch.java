package dev.corral.server.storage;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import dev.corral.server.tree.ZnodeStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.zookeeper.data.ACL;

/**
 * A batch for {@link RocksZnodeStore}: the operations are encoded at once and kept on the Java heap, and become one
 * RocksDB WriteBatch only inside {@link RocksZnodeStore#commit}. So an abandoned batch holds no native memory.
 * A batch is committed at most once.
 */
final class RocksBatch implements ZnodeStore.Batch {

    /** One put (value != null) or delete (value == null) in column family {@code cf}. */
    record Op(Cf cf, byte[] key, byte[] value) {
    }

    static final byte[] EMPTY = new byte[0];

    /**
     * A key in a column family, compared by content. The hash is computed once, with {@link Arrays#hashCode}: a
     * ByteBuffer's hashCode reads byte by byte through bounds checks and showed up in every write's profile.
     */
    private record Slot(Cf cf, byte[] key, int hash) {
        Slot(Cf cf, byte[] key) {
            this(cf, key, 31 * cf.hashCode() + Arrays.hashCode(key));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && s.hash == hash && s.cf == cf && Arrays.equals(s.key, key);
        }
    }

    final RocksZnodeStore owner;
    final List<Op> ops = new ArrayList<>();
    /**
     * Where each key's op sits in {@link #ops}. A later op on the same key replaces the earlier one in place (the
     * outcome is the same): a round of creates under one parent writes that parent's metadata and the store's
     * last zxid once, not once per txn.
     */
    private final Map<Slot, Integer> slots = new HashMap<>();
    /** ACL lists interned by this batch, by id; published to the store's maps at commit. */
    final Map<Long, List<ACL>> pendingAcls = new LinkedHashMap<>();
    /** Node metadata written (null = deleted) by path, for the store's metadata cache. */
    final Map<String, NodeMeta> metaChanges = new HashMap<>();
    /**
     * What each path in {@link #metaChanges} counted for before this batch, settled by the first operation on it:
     * {@link #createMeta} says no node (its contract), anything else looks (the metadata cache mostly answers, as
     * the applier has just read that node). With the final state this gives the change in the store's node count,
     * ephemeral count and approximate data size.
     */
    private final Map<String, Counted> before = new HashMap<>();

    /** What one node counts for in the store's running totals. */
    record Counted(int nodes, int ephemerals, long dataSize) {
        static final Counted NONE = new Counted(0, 0, 0);

        /** ZooKeeper's approximate data size of a node is its path's length plus its data's length. */
        static Counted of(String path, NodeMeta meta) {
            return meta == null ? NONE : new Counted(1, meta.kind() == NodeKind.EPHEMERAL ? 1 : 0,
                    path.length() + (long) meta.dataLength());
        }
    }
    /** The zxid of the last setLastZxid, if any. */
    boolean hasZxid;
    long zxid;
    private boolean committed;

    RocksBatch(RocksZnodeStore owner) {
        this.owner = owner;
    }

    @Override
    public ZnodeStore.Batch putMeta(String path, NodeMeta meta) {
        return writeMeta(path, meta, false);
    }

    @Override
    public ZnodeStore.Batch createMeta(String path, NodeMeta meta) {
        before.putIfAbsent(path, Counted.NONE);
        return writeMeta(path, meta, true);   // a path without a node has no child_stat record (deleteNode)
    }

    /**
     * Only the child_stat record: the node_meta record stays as it is. So a run of creates under one parent writes
     * a small record in a small column family instead of rewriting the parent's node_meta record, which sorts
     * before all its children: a flushed node_meta file holding it and the newest children would span every older
     * child, and RocksDB would rewrite all of them at each compaction (a cost growing with the tree).
     */
    @Override
    public ZnodeStore.Batch putChildStat(String path, NodeMeta meta) {
        before.computeIfAbsent(path, p -> Counted.of(p, owner.meta(p)));
        add(Cf.CHILD_STAT, Keys.nodeKey(path), NodeMetaCodec.encodeChildStat(Objects.requireNonNull(meta, "meta")));
        metaChanges.put(path, meta);
        return this;
    }

    private ZnodeStore.Batch writeMeta(String path, NodeMeta meta, boolean isNew) {
        byte[] key = Keys.nodeKey(path);
        add(Cf.NODE_META, key, NodeMetaCodec.encode(Objects.requireNonNull(meta, "meta")));
        if (!isNew && !sameChildStat(currentCounting(path), meta)) {
            add(Cf.CHILD_STAT, key, null);       // a child_stat record left from before would override these fields
        }
        metaChanges.put(path, meta);
        return this;
    }

    /**
     * The node's metadata as of this batch so far (null: none), mostly from the store's metadata cache; a path met
     * here for the first time also settles what it counted for before (one store lookup, not two: a multi of
     * setData makes this call for every op). A path is in {@link #before} exactly when it is in {@link #metaChanges}.
     */
    private NodeMeta currentCounting(String path) {
        if (metaChanges.containsKey(path)) {
            return metaChanges.get(path);
        }
        NodeMeta was = owner.meta(path);
        before.putIfAbsent(path, Counted.of(path, was));
        return was;
    }

    /**
     * Whether a write of {@code meta} leaves the child counters as they are (a setData or setACL): then a child_stat
     * record, if there is one, holds these very values, and deleting it would only add a tombstone per write.
     */
    private static boolean sameChildStat(NodeMeta before, NodeMeta meta) {
        return before != null && before.pzxid() == meta.pzxid() && before.cversion() == meta.cversion()
                && before.numChildren() == meta.numChildren() && before.childSeq() == meta.childSeq();
    }

    /**
     * Null data (ZooKeeper keeps a create or setData with a null buffer apart from an empty one) is no node_data record
     * at all; empty data is an empty record. Every build before null data was kept wrote a record for every node
     * (null as empty), so its stores read exactly as they did; see docs/storage.md.
     */
    @Override
    public ZnodeStore.Batch putData(String path, byte[] data) {
        return putDataOwned(path, data == null ? null : data.clone());
    }

    /** No copy: applied txns hand over their data, which nothing changes afterwards (a copy per op, per write). */
    @Override
    public ZnodeStore.Batch putDataOwned(String path, byte[] data) {
        return add(Cf.NODE_DATA, Keys.nodeKey(path), data);
    }

    @Override
    public ZnodeStore.Batch deleteNode(String path) {
        byte[] key = Keys.nodeKey(path);
        add(Cf.NODE_META, key, null);
        add(Cf.NODE_DATA, key, null);
        add(Cf.CHILD_STAT, key, null);
        metaChanges.put(path, null);
        before.computeIfAbsent(path, p -> Counted.of(p, owner.meta(p)));
        return this;
    }

    @Override
    public ZnodeStore.Batch putAcl(long aclId, List<ACL> acl) {
        if (aclId <= 0) {
            throw new IllegalArgumentException("ACL ids are positive: " + aclId);
        }
        List<ACL> copy = ValueCodecs.copyAcl(Objects.requireNonNull(acl, "acl"));
        pendingAcls.remove(aclId);          // re-insert so that the later operation is also the later one in order
        pendingAcls.put(aclId, copy);
        return add(Cf.ACL, Keys.longKey(aclId), ValueCodecs.encodeAcl(copy));
    }

    @Override
    public ZnodeStore.Batch addEphemeral(long sessionId, String path) {
        return add(Cf.EPHEMERAL, Keys.ephemeralKey(sessionId, path), EMPTY);
    }

    @Override
    public ZnodeStore.Batch removeEphemeral(long sessionId, String path) {
        return add(Cf.EPHEMERAL, Keys.ephemeralKey(sessionId, path), null);
    }

    @Override
    public ZnodeStore.Batch putSession(SessionRecord session) {
        return add(Cf.SESSION, Keys.longKey(session.sessionId()), ValueCodecs.encodeSession(session));
    }

    @Override
    public ZnodeStore.Batch deleteSession(long sessionId) {
        return add(Cf.SESSION, Keys.longKey(sessionId), null);
    }

    @Override
    public ZnodeStore.Batch putMetaLong(String key, long value) {
        return add(Cf.META, namedLongKey(key), Keys.longKey(value));
    }

    @Override
    public ZnodeStore.Batch setLastZxid(long zxid) {
        add(Cf.META, RocksZnodeStore.LAST_ZXID_KEY, Keys.longKey(zxid));
        this.hasZxid = true;
        this.zxid = zxid;
        return this;
    }

    @Override
    public boolean isEmpty() {
        return ops.isEmpty();
    }

    static byte[] namedLongKey(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[1 + utf8.length];
        key[0] = RocksZnodeStore.NAMED_LONG_TAG;
        System.arraycopy(utf8, 0, key, 1, utf8.length);
        return key;
    }

    /** What this batch adds to the store's node count, ephemeral count and data size (negative: removes). */
    Counted delta() {
        int nodes = 0;
        int ephemerals = 0;
        long dataSize = 0;
        for (Map.Entry<String, NodeMeta> e : metaChanges.entrySet()) {
            Counted after = Counted.of(e.getKey(), e.getValue());
            Counted was = before.get(e.getKey());
            nodes += after.nodes() - was.nodes();
            ephemerals += after.ephemerals() - was.ephemerals();
            dataSize += after.dataSize() - was.dataSize();
        }
        return new Counted(nodes, ephemerals, dataSize);
    }

    void markCommitted() {
        committed = true;
    }

    private ZnodeStore.Batch add(Cf cf, byte[] key, byte[] value) {
        if (committed) {
            throw new IllegalStateException("batch already committed");
        }
        Op op = new Op(cf, key, value);
        Integer at = slots.putIfAbsent(new Slot(cf, key), ops.size());
        if (at == null) {
            ops.add(op);
        } else {
            ops.set(at, op);
        }
        return this;
    }
}
