package dev.corral.server.tree;

/** Applies one txn to a store the way the server does (a pending view, one batch, committed unsynced). */
public final class ApplyTxn {
    private ApplyTxn() {
    }

    /** Applies {@code txn} at {@code zxid}, with time 1000 + zxid. */
    public static void apply(ZnodeStore store, long zxid, Txn txn) {
        PendingTree view = new PendingTree(store);
        ZnodeStore.Batch batch = view.batch();
        new TreeApplier(view).apply(zxid, 1000 + zxid, txn, batch, TreeEvents.NONE);
        view.commit(batch, false);
    }

    /** A create of a persistent, world-open node. */
    public static Txn create(String path, byte[] data) {
        return new Txn.Create(path, data, TreeBootstrap.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0);
    }
}
