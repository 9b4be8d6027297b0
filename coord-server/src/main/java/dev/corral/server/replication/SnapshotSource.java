package dev.corral.server.replication;

import dev.corral.server.storage.Dirs;
import dev.corral.zab.Zxid;
import java.io.IOException;
import java.nio.file.Path;

/** The leader side of SNAP sync: the host's state machine as a directory (a RocksDB checkpoint). */
public interface SnapshotSource {

    /**
     * A directory holding the state machine at exactly {@code at}. Called on the driver thread when a Ready sends a
     * {@code Snap}; at that moment every committed txn up to {@code at} has been handed to the
     * {@link CommitListener} and none after it, and none will be until this returns. (If the listener only queues
     * txns for an applier thread, wait here until the applier has applied {@code at}, then checkpoint.)
     */
    Path checkpoint(Zxid at) throws IOException;

    /** The transfer of {@code dir} ended (sent, cut off, or never started); any thread. Default: delete it. */
    default void release(Path dir) {
        Dirs.deleteQuietly(dir);
    }
}
