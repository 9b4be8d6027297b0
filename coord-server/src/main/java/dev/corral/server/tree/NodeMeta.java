package dev.corral.server.tree;

import org.apache.zookeeper.data.Stat;

/**
 * Everything about a znode except its data: the Stat fields ZooKeeper shows plus the bookkeeping it hides.
 * Kept apart from the data in storage so that exists() and getChildren() never read data.
 *
 * @param childSeq how many children were ever created under this node; the sequential suffix comes from it
 *                 (ZooKeeper 3.9 counts creations only, while cversion also counts deletions)
 * @param aclId    interned ACL list id (see {@link ZnodeStore#acl(long)})
 * @param ttlMs    time to live of a TTL node, 0 otherwise
 */
public record NodeMeta(
        long czxid,
        long mzxid,
        long pzxid,
        long ctime,
        long mtime,
        int version,
        int cversion,
        int aversion,
        long ephemeralOwner,
        int dataLength,
        int numChildren,
        long aclId,
        int childSeq,
        NodeKind kind,
        long ttlMs) {

    /** The Stat a client sees. Containers and TTL nodes show ephemeralOwner 0, as in ZooKeeper 3.9. */
    public Stat toStat() {
        return new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion,
                kind == NodeKind.EPHEMERAL ? ephemeralOwner : 0L, dataLength, numChildren, pzxid);
    }

    public void copyTo(Stat stat) {
        stat.setCzxid(czxid);
        stat.setMzxid(mzxid);
        stat.setCtime(ctime);
        stat.setMtime(mtime);
        stat.setVersion(version);
        stat.setCversion(cversion);
        stat.setAversion(aversion);
        stat.setEphemeralOwner(kind == NodeKind.EPHEMERAL ? ephemeralOwner : 0L);
        stat.setDataLength(dataLength);
        stat.setNumChildren(numChildren);
        stat.setPzxid(pzxid);
    }

    public NodeMeta withData(long zxid, long time, int newDataLength) {
        return new NodeMeta(czxid, zxid, pzxid, ctime, time, version + 1, cversion, aversion, ephemeralOwner,
                newDataLength, numChildren, aclId, childSeq, kind, ttlMs);
    }

    /** As {@link #withData(long, long, int)} with the version set, not bumped ({@code /zookeeper/config} keeps -1). */
    public NodeMeta withData(long zxid, long time, int newDataLength, int newVersion) {
        return new NodeMeta(czxid, zxid, pzxid, ctime, time, newVersion, cversion, aversion, ephemeralOwner,
                newDataLength, numChildren, aclId, childSeq, kind, ttlMs);
    }

    public NodeMeta withAcl(long newAclId) {
        return new NodeMeta(czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion + 1, ephemeralOwner,
                dataLength, numChildren, newAclId, childSeq, kind, ttlMs);
    }

    public NodeMeta withChildCreated(long zxid) {
        return new NodeMeta(czxid, mzxid, zxid, ctime, mtime, version, cversion + 1, aversion, ephemeralOwner,
                dataLength, numChildren + 1, aclId, childSeq + 1, kind, ttlMs);
    }

    public NodeMeta withChildDeleted(long zxid) {
        return new NodeMeta(czxid, mzxid, zxid, ctime, mtime, version, cversion + 1, aversion, ephemeralOwner,
                dataLength, numChildren - 1, aclId, childSeq, kind, ttlMs);
    }

    public static NodeMeta created(long zxid, long time, int dataLength, long aclId, NodeKind kind,
                                   long ephemeralOwner, long ttlMs) {
        return new NodeMeta(zxid, zxid, zxid, time, time, 0, 0, 0, ephemeralOwner, dataLength, 0, aclId, 0,
                kind, ttlMs);
    }
}
