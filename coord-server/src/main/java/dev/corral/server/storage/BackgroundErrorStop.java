package dev.corral.server.storage;

import dev.corral.server.lifecycle.FatalStop;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.RocksDB;
import org.rocksdb.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the server process when RocksDB's own background work (a flush, a compaction, a WAL write) fails, e.g. with
 * ENOSPC: the database then refuses every write, so the member could never acknowledge again. A process stops
 * cleanly ({@link FatalStop}, exit 70, naming the directory and its file system); an embedded store only logs, and
 * its next write fails. Also the store's {@link FatalStop.Quiescer}: before any fatal exit, its background work is
 * paused (running jobs waited for). RocksJava 9.7.3 cannot pass a listener the reasons of a database without a WAL
 * (kFlushNoWAL, kManifestWriteNoWAL): those callbacks fail inside RocksJava, printing an IllegalArgumentException; the
 * flush's own caller then sees the error and stops the server.
 */
final class BackgroundErrorStop extends AbstractEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundErrorStop.class);

    private final Path dir;
    private final String what;
    private volatile RocksDB db;
    private final FatalStop.Quiescer quiescer;

    /** {@code what}: "store", "ZAB log": how messages name the database in {@code dir}. */
    BackgroundErrorStop(String what, Path dir) {
        super(EnabledEventCallback.ON_BACKGROUND_ERROR, EnabledEventCallback.ON_ERROR_RECOVERY_BEGIN);
        this.what = what;
        this.dir = dir;
        this.quiescer = new FatalStop.Quiescer(what + " " + dir, this::quiesce);
    }

    /** The database is open: from now on a fatal stop waits for its background work. */
    void opened(RocksDB db) {
        this.db = db;
        FatalStop.register(quiescer);
    }

    /** Before the database closes. */
    void closing() {
        FatalStop.unregister(quiescer);
        db = null;
    }

    /**
     * Waits for the running flushes and compactions and schedules no more. Not cancelAllBackgroundWork: it first
     * flushes what the memtables hold and waits for any error recovery in progress, and on a full disk neither ends
     * (DiskFullProcessTest saw the member hang instead of exiting).
     */
    private void quiesce() {
        RocksDB d = db;
        if (d != null) {
            try {
                d.pauseBackgroundWork();
            } catch (org.rocksdb.RocksDBException e) {
                LOG.warn("{} at {}: could not pause background work: {}", what, dir, e.getMessage());
            }
        }
    }

    @Override
    public void onBackgroundError(BackgroundErrorReason reason, Status status) {
        if (status.getCode() == Status.Code.ShutdownInProgress || status.getCode() == Status.Code.Incomplete) {
            return;   // work cut short by a close (or a pause before a stop): not a failure of the disk or the data
        }
        String message = what + " at " + dir + ": RocksDB's background " + reason.name().toLowerCase(
                java.util.Locale.ROOT) + " failed (" + status.getCodeString() + (status.getState() == null ? ""
                : ": " + status.getState()) + "); " + space(dir) + "; it accepts no more writes";
        if (!FatalStop.armed()) {
            LOG.error(message);
            return;
        }
        // Called on RocksDB's background thread, holding the database's mutex: the stop, which waits for that
        // very background work, must run elsewhere.
        Thread t = new Thread(() -> FatalStop.halt(message, null), "corral-background-error");
        t.setDaemon(false);
        t.start();
    }

    /**
     * Refuses RocksDB's automatic recovery. For ENOSPC it starts a thread (the SstFileManager's) that polls for free
     * space and resumes the database: a thread still running when the process exits touches RocksDB statics already
     * destroyed and aborts it (exit 134; RocksDB issue 9155 shows the same abort in that recovery). Corral recovers a
     * member by restarting it once there is room, and catches it up from the others.
     */
    @Override
    public boolean onErrorRecoveryBegin(BackgroundErrorReason reason, Status status) {
        return false;
    }

    /** The file system under {@code dir} and its free space, for a message that says where room is needed. */
    static String space(Path dir) {
        try {
            FileStore fs = Files.getFileStore(dir);
            // FileStore's toString is "mount point (device)": where room must be made.
            return String.format(java.util.Locale.ROOT, "file system %s has %d of %d bytes free", fs,
                    fs.getUsableSpace(), fs.getTotalSpace());
        } catch (IOException | RuntimeException e) {
            return "free space of " + dir + " unknown (" + e.getMessage() + ")";
        }
    }
}
