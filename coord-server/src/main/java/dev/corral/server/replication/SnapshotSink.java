package dev.corral.server.replication;

import dev.corral.zab.Zxid;
import java.io.IOException;
import java.nio.file.Path;

/** The follower side of SNAP sync: replaces the host's state machine with a received snapshot directory. */
public interface SnapshotSink {

    /**
     * Makes the state machine, durably, exactly the snapshot in {@code dir} at {@code at}; afterwards its last
     * applied counter must read {@code at.counter()}. Called on the driver thread after the log has recorded the
     * install and before anything is sent or applied; and again at start-up if a crash interrupted it (so it must
     * be restartable from the same directory: copy or hard-link files rather than moving them). The driver deletes
     * {@code dir} after it returns.
     */
    void install(Zxid at, Path dir) throws IOException;
}
