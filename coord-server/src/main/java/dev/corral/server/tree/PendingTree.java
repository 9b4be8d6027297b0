package dev.corral.server.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.zookeeper.data.ACL;

/**
 * The committed store plus changes not committed yet. Txns are prepared and applied against this view, so that
 * several txns (the ops of a multi; later, txns in flight in the ensemble) build on each other inside one atomic
 * batch, and a failed multi is dropped without ever touching the store.
 *
 * <p>A child or an ephemeral added or removed here is recorded as this view's last word on it (present or not), so the
 * view stays right when the store below moves on: the leader's speculative view ({@link #speculative}) sits over a
 * store that keeps applying commits, and drops each change once the store holds it ({@link #trimTo}).
 *
 * <p>Owned by one thread. Only one batch may be open at a time: the one {@link #batch()} returned last.
 *
 * <p>Size: the whole {@code ZnodeStore} interface, read through an overlay and written through its batch, plus the
 * speculative view's stamps and trimming; split, each read would need to know the others' overlay maps.
 */
public final class PendingTree implements ZnodeStore {
    private static final Object GONE = new Object();
    /** Null data written in this view (a null map value would mean "not changed here"). */
    private static final Object NULL_DATA = new Object();

    private final ZnodeStore base;
    private final Map<String, Object> metas = new HashMap<>();
    private final Map<String, Object> datas = new HashMap<>();
    /** Per parent: each child this view added (true) or removed (false), its last word on it. */
    private final Map<String, TreeMap<String, Boolean>> childOps = new HashMap<>();
    private final Map<Long, List<ACL>> acls = new HashMap<>();
    private final Map<List<ACL>, Long> aclIds = new HashMap<>();
    /** Per session: each ephemeral this view added (true) or removed (false). */
    private final Map<Long, TreeMap<String, Boolean>> ephemeralOps = new HashMap<>();
    private long lastZxid = -1;
    private long maxAclId = -1;
    private final boolean speculative;
    /** Speculative only: the zxid of the txn that last wrote each record, and every write in zxid order. */
    private final Map<Key, Long> stamps = new HashMap<>();
    private final ArrayDeque<Written> written = new ArrayDeque<>();
    private long stampZxid = -1;

    /** A record of the view: a node's meta or data, a child or ephemeral entry, an ACL. */
    private record Key(char kind, Object owner, String name) {
    }

    private record Written(long zxid, Key key) {
    }

    public PendingTree(ZnodeStore base) {
        this(base, false);
    }

    private PendingTree(ZnodeStore base, boolean speculative) {
        this.base = base;
        this.speculative = speculative;
    }

    /**
     * A view whose batches are only ever {@link #discard discarded}, never committed (the leader's view of txns in
     * flight, which reach the store through the log instead): its batches record nothing for the store.
     */
    public static PendingTree speculative(ZnodeStore base) {
        return new PendingTree(base, true);
    }


    public ZnodeStore base() {
        return base;
    }

    @Override
    public NodeMeta meta(String path) {
        Object m = metas.get(path);
        if (m != null) {
            return m == GONE ? null : (NodeMeta) m;
        }
        return base.meta(path);
    }

    @Override
    public byte[] data(String path) {
        Object d = datas.get(path);
        if (d != null) {
            return d == GONE || d == NULL_DATA ? null : (byte[]) d;
        }
        return base.data(path);
    }

    @Override
    public List<String> children(String path) {
        TreeMap<String, Boolean> ops = childOps.get(path);
        return ops == null ? base.children(path) : overlay(base.children(path), ops);
    }

    @Override
    public List<String> childrenAfter(String path, String after, int limit) {
        // Pending creates or deletes under this parent: the default (filter the overlaid list) is exact and rare.
        return childOps.containsKey(path) ? ZnodeStore.super.childrenAfter(path, after, limit)
                : base.childrenAfter(path, after, limit);
    }

    private static List<String> overlay(List<String> below, TreeMap<String, Boolean> ops) {
        TreeSet<String> names = new TreeSet<>(below);
        ops.forEach((name, present) -> {
            if (present) {
                names.add(name);
            } else {
                names.remove(name);
            }
        });
        return new ArrayList<>(names);
    }

    @Override
    public long approximateDataSize() {
        // The committed tree's, as ZooKeeper's leader reports its own tree (not its proposals in flight).
        return base.approximateDataSize();
    }

    @Override
    public long ephemeralCount() {
        return base.ephemeralCount();
    }

    @Override
    public long descendantCount(String path) {
        long count = base.descendantCount(path);
        String prefix = "/".equals(path) ? "/" : path + "/";
        for (Map.Entry<String, Object> e : metas.entrySet()) {
            String p = e.getKey();
            if (!p.startsWith(prefix) || p.equals(path)) {
                continue;
            }
            boolean inBase = base.meta(p) != null;
            if (e.getValue() == GONE && inBase) {
                count--;
            } else if (e.getValue() != GONE && !inBase) {
                count++;
            }
        }
        return count;
    }

    @Override
    public List<ACL> acl(long aclId) {
        List<ACL> acl = acls.get(aclId);
        return acl != null ? acl : base.acl(aclId);
    }

    @Override
    public long aclId(List<ACL> acl) {
        Long id = aclIds.get(acl);
        return id != null ? id : base.aclId(acl);
    }

    @Override
    public long maxAclId() {
        return Math.max(maxAclId, base.maxAclId());
    }

    @Override
    public List<String> ephemerals(long sessionId) {
        TreeMap<String, Boolean> ops = ephemeralOps.get(sessionId);
        return ops == null ? base.ephemerals(sessionId) : overlay(base.ephemerals(sessionId), ops);
    }

    @Override
    public void forEachSession(Consumer<SessionRecord> consumer) {
        base.forEachSession(consumer);
    }

    @Override
    public long lastZxid() {
        return lastZxid >= 0 ? lastZxid : base.lastZxid();
    }

    @Override
    public long metaLong(String key, long dflt) {
        return base.metaLong(key, dflt);
    }

    /** A batch whose changes are visible through this view at once and reach the store on {@link #commit}. */
    @Override
    public Batch batch() {
        return new Overlay(speculative ? NoBatch.INSTANCE : base.batch());
    }

    @Override
    public void commit(Batch batch, boolean sync) {
        if (speculative) {
            throw new IllegalStateException("a speculative view is never committed");
        }
        base.commit(((Overlay) batch).target, sync);
        clear();
    }

    /** Forgets the open batch's changes; the store never sees them. */
    public void discard() {
        clear();
    }

    private void clear() {
        metas.clear();
        datas.clear();
        childOps.clear();
        acls.clear();
        aclIds.clear();
        ephemeralOps.clear();
        stamps.clear();
        written.clear();
        lastZxid = -1;
        maxAclId = -1;
    }

    /** Speculative: the writes that follow belong to the txn with {@code zxid} (until the next call). */
    public void stampWith(long zxid) {
        stampZxid = zxid;
    }

    /**
     * Speculative: the store below has applied every txn up to {@code zxid}. Drops each record whose last writer is
     * among them: the store now holds the same, and no txn still in flight here changed it since. What is left is
     * exactly the effect of the txns in flight, however long the load goes on without draining.
     */
    public void trimTo(long zxid) {
        while (!written.isEmpty() && written.peek().zxid() <= zxid) {
            Written w = written.poll();
            if (stamps.remove(w.key(), w.zxid())) {
                drop(w.key());
            }
        }
    }

    /** Records held for txns in flight (speculative; for tests and figures). */
    public int heldRecords() {
        return stamps.size();
    }

    private void stamp(char kind, Object owner, String name) {
        if (speculative) {
            Key key = new Key(kind, owner, name);
            stamps.put(key, stampZxid);
            written.add(new Written(stampZxid, key));
        }
    }

    private void drop(Key key) {
        switch (key.kind()) {
            case 'm' -> metas.remove((String) key.owner());
            case 'd' -> datas.remove((String) key.owner());
            case 'c' -> dropOp(childOps, key.owner(), key.name());
            case 'e' -> dropOp(ephemeralOps, key.owner(), key.name());
            case 'a' -> {
                List<ACL> acl = acls.remove((Long) key.owner());
                if (acl != null) {
                    aclIds.remove(acl);
                }
            }
            default -> throw new IllegalStateException("unknown record kind " + key.kind());
        }
    }

    private static <K> void dropOp(Map<K, TreeMap<String, Boolean>> ops, Object owner, String name) {
        @SuppressWarnings("unchecked")
        K k = (K) owner;
        TreeMap<String, Boolean> m = ops.get(k);
        if (m != null) {
            m.remove(name);
            if (m.isEmpty()) {
                ops.remove(k);
            }
        }
    }

    @Override
    public void checkpoint(java.nio.file.Path target) {
        base.checkpoint(target);
    }

    @Override
    public void close() {
        base.close();
    }

    /** Records this view's last word on {@code name} under {@code key}: present or not. */
    private <K> void op(Map<K, TreeMap<String, Boolean>> ops, char kind, K key, String name, boolean present) {
        ops.computeIfAbsent(key, k -> new TreeMap<>()).put(name, present);
        stamp(kind, key, name);
    }

    private final class Overlay implements Batch {
        private final Batch target;

        Overlay(Batch target) {
            this.target = target;
        }

        @Override
        public Batch putMeta(String path, NodeMeta meta) {
            record(path, meta, PendingTree.this.meta(path) != null);
            target.putMeta(path, meta);
            return this;
        }

        @Override
        public Batch createMeta(String path, NodeMeta meta) {
            // New here; new below too unless this view deleted it (then the layer below still has it).
            boolean deletedHere = metas.get(path) == GONE;
            record(path, meta, false);
            if (deletedHere) {
                target.putMeta(path, meta);
            } else {
                target.createMeta(path, meta);
            }
            return this;
        }

        @Override
        public Batch putChildStat(String path, NodeMeta meta) {
            record(path, meta, PendingTree.this.meta(path) != null);
            target.putChildStat(path, meta);
            return this;
        }

        private void record(String path, NodeMeta meta, boolean existed) {
            metas.put(path, meta);
            stamp('m', path, null);
            if (!existed && !"/".equals(path)) {
                op(childOps, 'c', PathValidator.parentOf(path), PathValidator.nameOf(path), true);
            }
        }

        @Override
        public Batch putData(String path, byte[] data) {
            byte[] copy = data == null ? null : data.clone();   // the overlay keeps it too
            return putDataOwned(path, copy);
        }

        @Override
        public Batch putDataOwned(String path, byte[] data) {
            stamp('d', path, null);
            datas.put(path, data == null ? NULL_DATA : data);
            target.putDataOwned(path, data);
            return this;
        }

        @Override
        public Batch deleteNode(String path) {
            boolean existed = PendingTree.this.meta(path) != null;
            metas.put(path, GONE);
            datas.put(path, GONE);
            stamp('m', path, null);
            stamp('d', path, null);
            if (existed) {
                op(childOps, 'c', PathValidator.parentOf(path), PathValidator.nameOf(path), false);
            }
            target.deleteNode(path);
            return this;
        }

        @Override
        public Batch putAcl(long aclId, List<ACL> acl) {
            acls.put(aclId, acl);
            aclIds.putIfAbsent(acl, aclId);
            stamp('a', aclId, null);
            maxAclId = Math.max(maxAclId, aclId);
            target.putAcl(aclId, acl);
            return this;
        }

        @Override
        public Batch addEphemeral(long sessionId, String path) {
            op(ephemeralOps, 'e', sessionId, path, true);
            target.addEphemeral(sessionId, path);
            return this;
        }

        @Override
        public Batch removeEphemeral(long sessionId, String path) {
            op(ephemeralOps, 'e', sessionId, path, false);
            target.removeEphemeral(sessionId, path);
            return this;
        }

        @Override
        public Batch putSession(SessionRecord session) {
            target.putSession(session);
            return this;
        }

        @Override
        public Batch deleteSession(long sessionId) {
            target.deleteSession(sessionId);
            return this;
        }

        @Override
        public Batch putMetaLong(String key, long value) {
            target.putMetaLong(key, value);
            return this;
        }

        @Override
        public Batch setLastZxid(long zxid) {
            lastZxid = zxid;
            target.setLastZxid(zxid);
            return this;
        }

        @Override
        public boolean isEmpty() {
            return target.isEmpty();
        }
    }

    /** The target of a speculative view's batches: remembers nothing. */
    private enum NoBatch implements Batch {
        INSTANCE;

        @Override
        public Batch putMeta(String path, NodeMeta meta) {
            return this;
        }

        @Override
        public Batch putData(String path, byte[] data) {
            return this;
        }

        @Override
        public Batch deleteNode(String path) {
            return this;
        }

        @Override
        public Batch putAcl(long aclId, List<ACL> acl) {
            return this;
        }

        @Override
        public Batch addEphemeral(long sessionId, String path) {
            return this;
        }

        @Override
        public Batch removeEphemeral(long sessionId, String path) {
            return this;
        }

        @Override
        public Batch putSession(SessionRecord session) {
            return this;
        }

        @Override
        public Batch deleteSession(long sessionId) {
            return this;
        }

        @Override
        public Batch putMetaLong(String key, long value) {
            return this;
        }

        @Override
        public Batch setLastZxid(long zxid) {
            return this;
        }

        @Override
        public boolean isEmpty() {
            return true;
        }
    }
}
