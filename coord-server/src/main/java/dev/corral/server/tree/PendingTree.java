package dev.corral.server.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.zookeeper.data.ACL;

/**
 * The committed store plus changes not committed yet. Txns are prepared and applied against this view, so that
 * several txns (the ops of a multi; later, txns in flight in the ensemble) build on each other inside one atomic
 * batch, and a failed multi is dropped without ever touching the store.
 *
 * <p>Owned by one thread. Only one batch may be open at a time: the one {@link #batch()} returned last.
 */
public final class PendingTree implements ZnodeStore {
    private static final Object GONE = new Object();
    /** Null data written in this view (a null map value would mean "not changed here"). */
    private static final Object NULL_DATA = new Object();

    private final ZnodeStore base;
    private final Map<String, Object> metas = new HashMap<>();
    private final Map<String, Object> datas = new HashMap<>();
    private final Map<String, TreeSet<String>> addedChildren = new HashMap<>();
    private final Map<String, TreeSet<String>> removedChildren = new HashMap<>();
    private final Map<Long, List<ACL>> acls = new HashMap<>();
    private final Map<List<ACL>, Long> aclIds = new HashMap<>();
    private final Map<Long, TreeSet<String>> addedEphemerals = new HashMap<>();
    private final Map<Long, TreeSet<String>> removedEphemerals = new HashMap<>();
    private long lastZxid = -1;
    private long maxAclId = -1;
    private final boolean speculative;

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
        TreeSet<String> added = addedChildren.get(path);
        TreeSet<String> removed = removedChildren.get(path);
        if (added == null && removed == null) {
            return base.children(path);
        }
        TreeSet<String> names = new TreeSet<>(base.children(path));
        if (removed != null) {
            names.removeAll(removed);
        }
        if (added != null) {
            names.addAll(added);
        }
        return new ArrayList<>(names);
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
        TreeSet<String> added = addedEphemerals.get(sessionId);
        TreeSet<String> removed = removedEphemerals.get(sessionId);
        if (added == null && removed == null) {
            return base.ephemerals(sessionId);
        }
        TreeSet<String> paths = new TreeSet<>(base.ephemerals(sessionId));
        if (removed != null) {
            paths.removeAll(removed);
        }
        if (added != null) {
            paths.addAll(added);
        }
        return new ArrayList<>(paths);
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
        addedChildren.clear();
        removedChildren.clear();
        acls.clear();
        aclIds.clear();
        addedEphemerals.clear();
        removedEphemerals.clear();
        lastZxid = -1;
        maxAclId = -1;
    }

    @Override
    public void checkpoint(java.nio.file.Path target) {
        base.checkpoint(target);
    }

    @Override
    public void close() {
        base.close();
    }

    /** Records {@code value} as added under {@code key} in {@code into}, or cancels its entry in {@code from}. */
    private static <K> void move(Map<K, TreeSet<String>> into, Map<K, TreeSet<String>> from, K key, String value) {
        TreeSet<String> other = from.get(key);
        if (other != null && other.remove(value)) {
            return;
        }
        into.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
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
            if (!existed && !"/".equals(path)) {
                move(addedChildren, removedChildren, PathValidator.parentOf(path), PathValidator.nameOf(path));
            }
        }

        @Override
        public Batch putData(String path, byte[] data) {
            datas.put(path, data == null ? NULL_DATA : data);
            target.putData(path, data);
            return this;
        }

        @Override
        public Batch deleteNode(String path) {
            boolean existed = PendingTree.this.meta(path) != null;
            metas.put(path, GONE);
            datas.put(path, GONE);
            if (existed) {
                move(removedChildren, addedChildren, PathValidator.parentOf(path), PathValidator.nameOf(path));
            }
            target.deleteNode(path);
            return this;
        }

        @Override
        public Batch putAcl(long aclId, List<ACL> acl) {
            acls.put(aclId, acl);
            aclIds.putIfAbsent(acl, aclId);
            maxAclId = Math.max(maxAclId, aclId);
            target.putAcl(aclId, acl);
            return this;
        }

        @Override
        public Batch addEphemeral(long sessionId, String path) {
            move(addedEphemerals, removedEphemerals, sessionId, path);
            target.addEphemeral(sessionId, path);
            return this;
        }

        @Override
        public Batch removeEphemeral(long sessionId, String path) {
            move(removedEphemerals, addedEphemerals, sessionId, path);
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
