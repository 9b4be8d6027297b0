package dev.corral.server.tree;

import java.util.List;
import java.util.function.Consumer;
import org.apache.zookeeper.data.ACL;

/**
 * The store of record for the znode tree, the session table and the last applied zxid.
 * The tree is never loaded into the heap: every read goes to the store (which may cache).
 *
 * <p>Reads may be called from any thread. Writes go through {@link Batch}es that are applied atomically, in the
 * order {@link #commit} is called, by one thread (the applier).
 */
public interface ZnodeStore extends AutoCloseable {

    /** Metadata of the node at {@code path}, or null if there is none. Never reads the node's data. */
    NodeMeta meta(String path);

    /**
     * Data of the node at {@code path}: null if there is no node or its data is null (written as null, as ZooKeeper
     * keeps a null buffer), an empty array for empty data. {@link #meta} tells the two nulls apart.
     */
    byte[] data(String path);

    /** Names (not paths) of the children of {@code path}, in ascending byte order; empty if none or no node. */
    List<String> children(String path);

    /**
     * Up to {@code limit} names of {@code path}'s children that sort after {@code after} in byte order (all of them
     * for ""), ascending: one page of a listing. This default filters {@link #children}; a store that can seek
     * overrides it.
     */
    default List<String> childrenAfter(String path, String after, int limit) {
        byte[] bound = after.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<String> page = new java.util.ArrayList<>();
        for (String name : children(path)) {
            if (page.size() >= limit) {
                break;
            }
            if (java.util.Arrays.compareUnsigned(name.getBytes(java.nio.charset.StandardCharsets.UTF_8), bound) > 0) {
                page.add(name);
            }
        }
        return page;
    }

    /** Number of nodes strictly below {@code path} at any depth (getAllChildrenNumber). */
    long descendantCount(String path);

    /**
     * ZooKeeper's approximate data size of the committed tree: the sum over nodes of path length plus data length
     * (mntr's zk_approximate_data_size). Kept by the store as writes commit, so reading it costs nothing.
     */
    long approximateDataSize();

    /** Ephemeral nodes in the committed tree (of every session), kept by the store as writes commit. */
    long ephemeralCount();

    /** The ACL list interned under {@code aclId}; never null for an id that a committed batch interned. */
    List<ACL> acl(long aclId);

    /**
     * The id under which {@code acl} is interned, or -1 if it is not interned yet. Equal lists (same order)
     * share one id.
     */
    long aclId(List<ACL> acl);

    /** The highest ACL id interned so far (0 when none). */
    long maxAclId();

    /** Paths of the ephemeral nodes owned by {@code sessionId}, in ascending byte order. */
    List<String> ephemerals(long sessionId);

    /** Every stored session, to restore the session table at start-up. */
    void forEachSession(Consumer<SessionRecord> consumer);

    /** The zxid of the last committed batch (0 for a new store). */
    long lastZxid();

    /** A value kept in the store's metadata (e.g. the next session id seed), or {@code dflt}. */
    long metaLong(String key, long dflt);

    /** A new, empty batch. */
    Batch batch();

    /**
     * Applies the batch atomically. With {@code sync} the call returns only once the batch is on disk (fsync):
     * a crash after it returns never loses it. Without, it may be lost by a crash (never partially applied).
     */
    void commit(Batch batch, boolean sync);

    /**
     * Writes a consistent copy of the whole store, as of the last committed batch, into {@code target} (which
     * must not exist): the snapshot a far-behind replica installs. Cheap: files are hard-linked where possible.
     */
    void checkpoint(java.nio.file.Path target);

    /**
     * The store engine's own figures by metric name (without the corral_ prefix), for /metrics: e.g. RocksDB's key
     * estimate, pending compaction bytes, running compactions, block cache usage and capacity. Called on the
     * processor thread; cheap (no scan).
     */
    default java.util.Map<String, Long> engineFigures() {
        return java.util.Map.of();
    }

    @Override
    void close();

    /** Changes to apply atomically. Later operations on the same key win. */
    interface Batch {
        /** Writes (creates or replaces) a node's metadata. */
        Batch putMeta(String path, NodeMeta meta);

        /**
         * Writes the metadata of a node the caller knows does not exist yet (a create that passed its checks). The
         * same as {@link #putMeta}, but a view that tracks children need not look the path up: for a brand-new path
         * that lookup is a store miss on every create.
         */
        default Batch createMeta(String path, NodeMeta meta) {
            return putMeta(path, meta);
        }

        /**
         * Writes what a child's create or delete changes in its parent: pzxid, cversion, numChildren and the sequence
         * counter, from {@code meta}. The rest of {@code meta} must be what the view holds for the node now (it is what
         * reads of this node return afterwards). A store may write this much smaller record than {@link #putMeta}.
         */
        default Batch putChildStat(String path, NodeMeta meta) {
            return putMeta(path, meta);
        }

        /** Writes (creates or replaces) a node's data; {@code null} is null data, not empty data. */
        Batch putData(String path, byte[] data);

        /**
         * {@link #putData}, handing the array over: the batch may keep it, so the caller must never change it (an
         * applied txn's data, which nothing changes). Saves a copy of every write's data.
         */
        default Batch putDataOwned(String path, byte[] data) {
            return putData(path, data);
        }

        /** Removes a node's metadata and data. */
        Batch deleteNode(String path);

        /**
         * Interns {@code acl} under {@code aclId} (ids are chosen by the caller: above every id in use, unique).
         * After commit, {@link #aclId(List)} and {@link #acl(long)} see it.
         */
        Batch putAcl(long aclId, List<ACL> acl);

        Batch addEphemeral(long sessionId, String path);

        Batch removeEphemeral(long sessionId, String path);

        Batch putSession(SessionRecord session);

        Batch deleteSession(long sessionId);

        Batch putMetaLong(String key, long value);

        /** The zxid this batch brings the store to. */
        Batch setLastZxid(long zxid);

        boolean isEmpty();
    }
}
