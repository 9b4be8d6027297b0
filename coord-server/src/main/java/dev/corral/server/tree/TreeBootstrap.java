package dev.corral.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** Lays down the nodes every ZooKeeper tree starts with: "/", /zookeeper, /zookeeper/quota, /zookeeper/config. */
public final class TreeBootstrap {
    public static final List<ACL> OPEN_ACL_UNSAFE = List.of(new ACL(31, new Id("world", "anyone")));
    public static final List<ACL> READ_ACL_UNSAFE = List.of(new ACL(1, new Id("world", "anyone")));

    private TreeBootstrap() {
    }

    /** Creates the initial nodes if the store is new; a store that has them is left alone. */
    public static void ensure(ZnodeStore store) {
        if (store.meta("/") != null) {
            return;
        }
        ZnodeStore.Batch batch = store.batch();
        long open = internNew(store, batch, OPEN_ACL_UNSAFE, 1);
        long readOnly = internNew(store, batch, READ_ACL_UNSAFE, 2);
        // The odd starting cversions are what a fresh ZooKeeper 3.9 shows (its own start-up bookkeeping).
        put(batch, "/", open, 1, -1, 0);
        put(batch, SpecialPaths.ZOOKEEPER, open, 2, -2, 0);
        put(batch, SpecialPaths.QUOTA, open, 0, 0, 0);
        put(batch, SpecialPaths.CONFIG, readOnly, 0, 0, -1);
        store.commit(batch, true);
    }

    private static long internNew(ZnodeStore store, ZnodeStore.Batch batch, List<ACL> acl, long fallback) {
        long id = store.aclId(acl);
        if (id >= 0) {
            return id;
        }
        long next = Math.max(store.maxAclId(), 0) + fallback;
        batch.putAcl(next, acl);
        return next;
    }

    private static void put(ZnodeStore.Batch batch, String path, long aclId, int numChildren, int cversion,
                            int aversion) {
        NodeMeta meta = new NodeMeta(0, 0, 0, 0, 0, 0, cversion, aversion, 0, 0, numChildren, aclId, 0, NodeKind.PERSISTENT, 0);
        batch.createMeta(path, meta).putData(path, new byte[0]);
    }
}
