package dev.corral.server.replication;

import dev.corral.zab.Txn;

/** Receives committed transactions, in zxid order, each exactly once per driver run. */
public interface CommitListener {

    /**
     * {@code txn} is committed; apply it. Called on the driver thread: keep it short (hand it to the applier's
     * queue), because the driver does nothing else meanwhile. After a restart the driver hands out txns after the
     * applied counter it was started with; after a snapshot install, txns after the snapshot.
     */
    void onCommit(Txn txn);
}
