package dev.corral.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * Applies prepared txns to the store, in zxid order, and reports the changes that fire watches. Deterministic:
 * the same txns with the same zxids and times give the same tree on every replica.
 */
public final class TreeApplier {
    /**
     * Containers and TTL nodes are indexed like the ephemerals of two pseudo-sessions, so the sweeper finds them
     * without scanning the tree. No real session id takes these values: ids carry a server id in the top byte and
     * a timestamp below, never all zeros.
     */
    public static final long CONTAINER_INDEX = Long.MIN_VALUE;
    public static final long TTL_INDEX = Long.MIN_VALUE + 1;

    private final PendingTree store;

    /**
     * @param store the store seen through a pending view: batches must come from it, so that the ops of a multi
     *              see the ones before them
     */
    public TreeApplier(PendingTree store) {
        this.store = store;
    }

    public ZnodeStore store() {
        return store;
    }

    /**
     * Applies {@code txn} as zxid {@code zxid} stamped with {@code time} into {@code batch}, which the caller
     * commits. Reads see the store as committed so far, so consecutive txns go in consecutive batches.
     *
     * @return the metadata of the node the txn created or changed, or null
     */
    public NodeMeta apply(long zxid, long time, Txn txn, ZnodeStore.Batch batch, TreeEvents events) {
        if (zxid <= store.lastZxid()) {
            // Already in the store (a replica that installed a snapshot newer than the log position it replays
            // from): applying twice would corrupt the tree, so a txn at or below the store's zxid is skipped.
            return null;
        }
        NodeMeta result = applyOne(zxid, time, txn, batch, events);
        batch.setLastZxid(zxid);
        return result;
    }

    /**
     * Applies one op of a group that shares a zxid (a multi being built op by op); the caller sets the batch's
     * zxid once the group is complete.
     */
    public NodeMeta applyPart(long zxid, long time, Txn txn, ZnodeStore.Batch batch, TreeEvents events) {
        return applyOne(zxid, time, txn, batch, events);
    }

    private NodeMeta applyOne(long zxid, long time, Txn txn, ZnodeStore.Batch batch, TreeEvents events) {
        NodeMeta result = null;
        if (txn instanceof Txn.Create c) {
            result = create(zxid, time, c, batch, events);
        } else if (txn instanceof Txn.Delete d) {
            delete(zxid, d.path(), batch, events);
        } else if (txn instanceof Txn.SetData s) {
            result = setData(zxid, time, s, batch, events);
        } else if (txn instanceof Txn.SetAcl s) {
            result = setAcl(s, batch);
        } else if (txn instanceof Txn.Multi m) {
            for (Txn op : m.ops()) {
                applyOne(zxid, time, op, batch, events);
            }
        } else if (txn instanceof Txn.Check || txn instanceof Txn.Error) {
            // nothing to change: the check passed when the txn was prepared
        } else if (txn instanceof Txn.CreateSession s) {
            batch.putSession(new SessionRecord(s.sessionId(), s.password(), s.timeoutMs()));
        } else if (txn instanceof Txn.CloseSession s) {
            closeSession(zxid, s.sessionId(), batch, events);
        } else if (txn instanceof Txn.Reconfig r) {
            result = reconfig(zxid, time, r, batch, events);
        } else {
            throw new IllegalArgumentException("unknown txn " + txn);
        }
        return result;
    }

    private NodeMeta create(long zxid, long time, Txn.Create c, ZnodeStore.Batch batch, TreeEvents events) {
        String parentPath = PathValidator.parentOf(c.path());
        NodeMeta parent = store.meta(parentPath);
        long aclId = intern(c.acl(), batch);
        NodeMeta meta = NodeMeta.created(zxid, time, dataLength(c.data()), aclId, c.kind(), c.ephemeralOwner(),
                c.ttlMs());
        batch.createMeta(c.path(), meta).putDataOwned(c.path(), c.data());
        batch.putChildStat(parentPath, parent.withChildCreated(zxid));
        long index = indexOf(c.kind(), c.ephemeralOwner());
        if (index != 0) {
            batch.addEphemeral(index, c.path());
        }
        events.nodeCreated(c.path(), zxid);
        events.childrenChanged(parentPath, zxid);
        return meta;
    }

    private void delete(long zxid, String path, ZnodeStore.Batch batch, TreeEvents events) {
        NodeMeta node = store.meta(path);
        String parentPath = PathValidator.parentOf(path);
        NodeMeta parent = store.meta(parentPath);
        batch.deleteNode(path);
        long index = indexOf(node.kind(), node.ephemeralOwner());
        if (index != 0) {
            batch.removeEphemeral(index, path);
        }
        batch.putChildStat(parentPath, parent.withChildDeleted(zxid));
        events.nodeDeleted(path, zxid);
        events.childrenChanged(parentPath, zxid);
    }

    private NodeMeta setData(long zxid, long time, Txn.SetData s, ZnodeStore.Batch batch, TreeEvents events) {
        NodeMeta meta = store.meta(s.path()).withData(zxid, time, dataLength(s.data()));
        batch.putMeta(s.path(), meta).putDataOwned(s.path(), s.data());
        events.dataChanged(s.path(), zxid);
        return meta;
    }

    /**
     * ZooKeeper's reconfig txn is a setData of {@code /zookeeper/config} that keeps its version at -1: the new
     * configuration's text. Its mzxid is the configuration's version, as ZooKeeper shows it (a zxid with the epoch
     * in its high bits, where Corral's counters run on across epochs), as for the first established one.
     */
    private NodeMeta reconfig(long zxid, long time, Txn.Reconfig r, ZnodeStore.Batch batch, TreeEvents events) {
        byte[] data = configText(r.serverLines(), r.version()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        NodeMeta meta = store.meta(SpecialPaths.CONFIG).withData(r.version(), time, data.length, -1);
        batch.putMeta(SpecialPaths.CONFIG, meta).putDataOwned(SpecialPaths.CONFIG, data);
        events.dataChanged(SpecialPaths.CONFIG, zxid);
        return meta;
    }

    /** {@code /zookeeper/config}'s content (ZooKeeper's QuorumMaj text): the server lines, then the version in hex. */
    public static String configText(String serverLines, long version) {
        return serverLines + "version=" + Long.toHexString(version);
    }

    private NodeMeta setAcl(Txn.SetAcl s, ZnodeStore.Batch batch) {
        NodeMeta meta = store.meta(s.path()).withAcl(intern(s.acl(), batch));
        batch.putMeta(s.path(), meta);
        return meta;
    }

    private void closeSession(long zxid, long sessionId, ZnodeStore.Batch batch, TreeEvents events) {
        // Each ephemeral is deleted in its own view of the parent: siblings under one parent must each bump it.
        // In ZooKeeper's order (see ClosingOrder), computed from the store alone, so the same on every replica.
        List<String> owned = ClosingOrder.of(store, store.ephemerals(sessionId));
        java.util.Map<String, NodeMeta> parents = new java.util.HashMap<>();
        for (String path : owned) {
            String parentPath = PathValidator.parentOf(path);
            NodeMeta parent = parents.computeIfAbsent(parentPath, store::meta);
            batch.deleteNode(path);
            batch.removeEphemeral(sessionId, path);
            NodeMeta updated = parent.withChildDeleted(zxid);
            parents.put(parentPath, updated);
            batch.putChildStat(parentPath, updated);
            events.nodeDeleted(path, zxid);
            events.childrenChanged(parentPath, zxid);
        }
        batch.deleteSession(sessionId);
    }

    /** ZooKeeper's Stat shows dataLength 0 for null data. */
    private static int dataLength(byte[] data) {
        return data == null ? 0 : data.length;
    }

    /** The index a node of {@code kind} is kept in (its owner for an ephemeral), or 0 for none. */
    static long indexOf(NodeKind kind, long owner) {
        return switch (kind) {
            case EPHEMERAL -> owner;
            case CONTAINER -> CONTAINER_INDEX;
            case TTL -> TTL_INDEX;
            default -> 0;
        };
    }

    private long intern(List<ACL> acl, ZnodeStore.Batch batch) {
        long id = store.aclId(acl);
        if (id < 0) {
            id = store.maxAclId() + 1;
            batch.putAcl(id, acl);
        }
        return id;
    }
}
