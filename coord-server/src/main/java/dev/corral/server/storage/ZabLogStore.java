package dev.corral.server.storage;

import dev.corral.zab.DurableState;
import dev.corral.zab.HardState;
import dev.corral.zab.Ready;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable ZAB state of one peer: the two epochs, the transaction log after the snapshot base, and a pending
 * snapshot install. Its own RocksDB instance (normally {@code dataLogDir/zablog}), apart from the tree store.
 *
 * <p>Every Ready is one RocksDB write batch: a whole Ready (epochs, truncation, snapshot base, all its entries) is
 * written atomically and made durable with one WAL fsync (group commit), either in the same call ({@link #persist}) or
 * by a later {@link #sync} from another thread ({@link #write} then {@link #sync}, so the driver can go on while the
 * fsync runs). RocksDB's WAL records carry a CRC. Recovery drops a record torn by a crash during its write (the end of
 * the file), so a crash never leaves a torn entry and what survives is a prefix of what was written; but a damaged
 * record anywhere before that end makes {@link #open} fail, naming the file: the entries after it were synced and may
 * have been acknowledged, and a log that silently ended there would let this member lead without them. Single
 * writer: the ZAB driver thread; only {@link #sync} may be called from any thread. See docs/replication.md.
 *
 * <p>Size: opening (with the damaged-log check), recovery, the atomic write of a Ready, compaction and the encoding of
 * its few keys belong to one RocksDB instance and one invariant (what survives is a prefix of what was written).
 */
public final class ZabLogStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZabLogStore.class);

    static final byte[] FORMAT_KEY = {'F'};
    static final byte[] HARD_STATE_KEY = {'H'};
    static final byte[] BASE_KEY = {'B'};
    static final byte[] INSTALL_KEY = {'I'};
    static final byte ENTRY_TAG = 'E';
    static final long FORMAT_VERSION = 1;

    static {
        RocksNative.load();
    }

    /** A snapshot whose install was made durable in the log but may not have reached the state machine yet. */
    public record PendingInstall(Zxid at, Path dir) {}

    private final Path dir;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions syncWrite;
    private final BackgroundErrorStop errorStop;
    private final WriteOptions plainWrite = new WriteOptions();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private HardState hardState;
    private Zxid base;
    private Zxid last;
    private PendingInstall pendingInstall;

    private ZabLogStore(Path dir, Options options, RocksDB db, WriteOptions syncWrite, BackgroundErrorStop errorStop) {
        this.dir = dir;
        this.errorStop = errorStop;
        this.options = options;
        this.db = db;
        this.syncWrite = syncWrite;
    }

    /** Opens (creating if missing) the log in {@code dir}. */
    public static ZabLogStore open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create ZAB log directory " + dir + ": " + e, e);
        }
        Options options = new Options()
                .setCreateIfMissing(true)
                // Not PointInTimeRecovery: it stops replay at the first bad record without a word, dropping every
                // synced entry after it (issue 16). This mode tolerates only a torn last record.
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setParanoidChecks(true)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(16L << 20)
                .setMaxWriteBufferNumber(2)
                .setMaxTotalWalSize(64L << 20)
                .setKeepLogFileNum(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setMaxBackgroundJobs(1);
        BackgroundErrorStop errorStop = new BackgroundErrorStop("ZAB log", dir);
        options.setListeners(List.of(errorStop));
        WriteOptions sync = new WriteOptions().setSync(true);
        RocksDB db;
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            sync.close();
            options.close();
            errorStop.close();
            throw new StoreException("cannot open ZAB log " + dir + ": " + WalCheck.describeOpenFailure(dir, e)
                    + ". This member refuses to start rather than serve or lead without entries it may have"
                    + " acknowledged; with a quorum of the other members up, move its data directory aside and start"
                    + " it empty to catch up from them (docs/operations.md)", e);
        }
        errorStop.opened(db);
        ZabLogStore store = new ZabLogStore(dir, options, db, sync, errorStop);
        try {
            store.load();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void load() {
        try {
            byte[] format = db.get(FORMAT_KEY);
            if (format == null) {
                db.put(syncWrite, FORMAT_KEY, longBytes(FORMAT_VERSION));
            } else if (ByteBuffer.wrap(format).getLong() != FORMAT_VERSION) {
                throw new StoreException("ZAB log " + dir + " has format " + ByteBuffer.wrap(format).getLong()
                        + ", expected " + FORMAT_VERSION);
            }
            byte[] hs = db.get(HARD_STATE_KEY);
            hardState = hs == null ? new HardState(0, 0) : new HardState(ByteBuffer.wrap(hs).getLong(0),
                    ByteBuffer.wrap(hs).getLong(8));
            byte[] b = db.get(BASE_KEY);
            base = b == null ? Zxid.ZERO : zxid(b, 0);
            byte[] inst = db.get(INSTALL_KEY);
            pendingInstall = inst == null ? null : new PendingInstall(zxid(inst, 0),
                    Path.of(new String(inst, 16, inst.length - 16, StandardCharsets.UTF_8)));
            last = base;
            try (RocksIterator it = db.newIterator()) {
                it.seekForPrev(entryKey(Long.MAX_VALUE));
                // An unreadable block (checksum mismatch) ends the iterator as if the log were empty: ask.
                it.status();
                if (it.isValid() && it.key().length == 9 && it.key()[0] == ENTRY_TAG) {
                    long counter = ByteBuffer.wrap(it.key()).getLong(1);
                    if (counter > base.counter()) {
                        last = new Zxid(ByteBuffer.wrap(it.value()).getLong(0), counter);
                    }
                }
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot read ZAB log " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reads

    public HardState hardState() {
        return hardState;
    }

    /** The snapshot base: entries up to and including it have been compacted away (or replaced by a snapshot). */
    public Zxid base() {
        return base;
    }

    /** The last durable entry, or the base if the log is empty. */
    public Zxid lastZxid() {
        return last;
    }

    /** A snapshot install made durable here that the state machine may not have completed; null if none. */
    public PendingInstall pendingInstall() {
        return pendingInstall;
    }

    /** The zxid at {@code counter} if this log knows it (the base or an entry), else null. */
    public Zxid zxidAt(long counter) {
        ensureOpen();
        if (counter == base.counter()) {
            return base;
        }
        if (counter < base.counter() || counter > last.counter()) {
            return null;
        }
        try {
            byte[] v = db.get(entryKey(counter));
            return v == null ? null : new Zxid(ByteBuffer.wrap(v).getLong(0), counter);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read ZAB log entry " + counter + ": " + e.getMessage(), e);
        }
    }

    /** The entries with counters in {@code (afterCounter, toCounter]}, in order. */
    public List<Txn> read(long afterCounter, long toCounter) {
        ensureOpen();
        List<Txn> out = new ArrayList<>();
        long expected = Math.max(afterCounter, base.counter()) + 1;
        try (ReadOptions ro = new ReadOptions();
             Slice upper = new Slice(entryKey(toCounter + 1 > 0 ? toCounter + 1 : Long.MAX_VALUE))) {
            ro.setIterateUpperBound(upper);
            try (RocksIterator it = db.newIterator(ro)) {
                for (it.seek(entryKey(expected)); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    if (k.length != 9 || k[0] != ENTRY_TAG) {
                        break;
                    }
                    long counter = ByteBuffer.wrap(k).getLong(1);
                    if (counter != expected) {
                        throw new StoreException("ZAB log " + dir + " has a gap: expected entry " + expected
                                + ", found " + counter);
                    }
                    byte[] v = it.value();
                    byte[] payload = new byte[v.length - 8];
                    System.arraycopy(v, 8, payload, 0, payload.length);
                    out.add(new Txn(new Zxid(ByteBuffer.wrap(v).getLong(0), counter), payload));
                    expected++;
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot read ZAB log " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * What to start a {@code ZabNode} from, given how far the host's state machine has applied (its durable
     * last-applied counter). The state machine must hold exactly the committed history up to that counter.
     *
     * <p>The state machine may be ahead of the log's end: the host applies committed entries once written, before
     * their fsync, and a power loss can take the unsynced tail of the log while a memtable flush kept the state
     * machine's copy. Those entries were committed (on a quorum's disks), and since one Ready is written at a time and
     * an epoch change is synced before anything of the new epoch commits here, they were all of the current epoch: the
     * log then restarts, durably, empty at (currentEpoch, appliedCounter), its prefix being in the state machine.
     *
     * @throws StoreException if the state machine is behind the log's snapshot base (it lost writes the log already
     *                        compacted away; finish a {@link #pendingInstall} first)
     */
    public DurableState recover(long appliedCounter) {
        if (appliedCounter > last.counter() && pendingInstall == null) {
            Zxid at = new Zxid(hardState.currentEpoch(), appliedCounter);
            LOG.warn("ZAB log {}: the state machine applied up to counter {} but the log ends at {} (its unsynced "
                    + "tail was lost): the log restarts empty at {}", dir, appliedCounter, last, at);
            restartAt(at);
        }
        Zxid applied = zxidAt(appliedCounter);
        if (applied == null) {
            throw new StoreException("state machine applied up to counter " + appliedCounter + " but the ZAB log "
                    + dir + " covers " + base + ".." + last
                    + (pendingInstall != null ? " (a snapshot install at " + pendingInstall.at() + " is pending)" : ""));
        }
        List<Txn> log = read(base.counter(), last.counter());
        if (log.size() != last.counter() - base.counter()) {
            throw new StoreException("ZAB log " + dir + " holds " + log.size() + " entries after " + base
                    + " but ends at " + last);
        }
        return new DurableState(hardState.acceptedEpoch(), hardState.currentEpoch(), base, log, applied);
    }

    // ---------------------------------------------------------------- writes

    /** Makes a Ready without a snapshot install durable: epochs, truncation and entries, one fsync. */
    public void persist(Ready r) {
        persist(r, null);
    }

    /**
     * Writes the persistence part of {@code r} (without a snapshot install) as {@link #persist} does, but without the
     * fsync: it is in the operating system's hands (it survives a process crash), durable only after {@link #sync}.
     */
    public void write(Ready r) {
        if (r.installSnapshot() != null) {
            throw new IllegalArgumentException("a snapshot install is persisted in one call: persist(ready, dir)");
        }
        write(r, null, plainWrite);
    }

    /** The log's own figures: bytes written (batches' data size), fsyncs and their total time. */
    public record Figures(long bytesWritten, long fsyncs, long fsyncNanos) {
    }

    private final java.util.concurrent.atomic.AtomicLong bytesWritten = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong fsyncs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong fsyncNanos = new java.util.concurrent.atomic.AtomicLong();

    /** Cheap to read from any thread (/metrics). */
    public Figures figures() {
        return new Figures(bytesWritten.get(), fsyncs.get(), fsyncNanos.get());
    }

    /** Makes everything written so far durable (one WAL fsync). Any thread; a no-op once closed. */
    public void sync() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            try {
                long t0 = System.nanoTime();
                db.syncWal();
                fsyncNanos.addAndGet(System.nanoTime() - t0);
                fsyncs.incrementAndGet();
            } catch (RocksDBException e) {
                throw new StoreException("cannot sync ZAB log " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Makes the persistence part of {@code r} durable in one synced batch, in the Ready's order: epochs, truncation,
     * snapshot base (when {@code r.installSnapshot()} is set: the log is emptied, {@code snapshotDir} is recorded as a
     * pending install), entries. No-op if the Ready has nothing to persist.
     */
    public void persist(Ready r, Path snapshotDir) {
        write(r, snapshotDir, syncWrite);
    }

    private void write(Ready r, Path snapshotDir, WriteOptions how) {
        if (!r.mustPersist()) {
            return;
        }
        ensureOpen();
        HardState newHard = hardState;
        Zxid newBase = base;
        Zxid newLast = last;
        PendingInstall newInstall = pendingInstall;
        try (WriteBatch batch = new WriteBatch()) {
            if (r.hardState() != null) {
                newHard = r.hardState();
                batch.put(HARD_STATE_KEY, twoLongs(newHard.acceptedEpoch(), newHard.currentEpoch()));
            }
            if (r.truncateTo() != null && r.truncateTo().counter() < newLast.counter()) {
                Zxid to = r.truncateTo();
                if (to.counter() < newBase.counter()) {
                    throw new IllegalStateException("truncate to " + to + " below the snapshot base " + newBase);
                }
                batch.deleteRange(entryKey(to.counter() + 1), entryKey(Long.MAX_VALUE));
                newLast = to.counter() == newBase.counter() ? newBase : to;
            }
            if (r.installSnapshot() != null) {
                if (snapshotDir == null) {
                    throw new IllegalArgumentException("Ready installs a snapshot at " + r.installSnapshot()
                            + " but no snapshot directory was given");
                }
                Zxid at = r.installSnapshot();
                batch.deleteRange(entryKey(0), entryKey(Long.MAX_VALUE));
                batch.put(BASE_KEY, zxidBytes(at));
                newInstall = new PendingInstall(at, snapshotDir.toAbsolutePath());
                batch.put(INSTALL_KEY, installBytes(newInstall));
                newBase = at;
                newLast = at;
            }
            for (Txn t : r.entries()) {
                if (t.counter() != newLast.counter() + 1 || t.epoch() < newLast.epoch()) {
                    throw new IllegalStateException("append " + t.zxid() + " after " + newLast);
                }
                batch.put(entryKey(t.counter()), entryValue(t));
                newLast = t.zxid();
            }
            long t0 = System.nanoTime();
            db.write(how, batch);
            bytesWritten.addAndGet(batch.getDataSize());
            if (how == syncWrite) {
                fsyncNanos.addAndGet(System.nanoTime() - t0);
                fsyncs.incrementAndGet();
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot persist to ZAB log " + dir + ": " + e.getMessage(), e);
        }
        hardState = newHard;
        base = newBase;
        last = newLast;
        pendingInstall = newInstall;
    }

    /** The state machine finished installing the pending snapshot; forget it (not synced: recovery re-checks). */
    public void clearPendingInstall() {
        ensureOpen();
        if (pendingInstall == null) {
            return;
        }
        try {
            db.delete(INSTALL_KEY);
        } catch (RocksDBException e) {
            throw new StoreException("cannot update ZAB log " + dir + ": " + e.getMessage(), e);
        }
        pendingInstall = null;
    }

    /**
     * Drops every entry up to and including {@code upTo}, which becomes the base. The host must have a durable
     * snapshot (state machine) covering {@code upTo}. No-op if {@code upTo} is not after the base.
     */
    public void compact(Zxid upTo) {
        ensureOpen();
        if (upTo.counter() <= base.counter()) {
            return;
        }
        Zxid known = zxidAt(upTo.counter());
        if (!upTo.equals(known)) {
            throw new IllegalArgumentException("compact to " + upTo + " which is not in the log (" + known + ")");
        }
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(entryKey(0), entryKey(upTo.counter() + 1));
            batch.put(BASE_KEY, zxidBytes(upTo));
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot compact ZAB log " + dir + ": " + e.getMessage(), e);
        }
        base = upTo;
        if (last.counter() == upTo.counter()) {
            last = upTo;
        }
    }

    private void restartAt(Zxid at) {
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(entryKey(0), entryKey(Long.MAX_VALUE));
            batch.put(BASE_KEY, zxidBytes(at));
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot restart ZAB log " + dir + " at " + at + ": " + e.getMessage(), e);
        }
        base = at;
        last = at;
    }

    /** Number of entries after the base. */
    public long size() {
        return last.counter() - base.counter();
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                LOG.warn("ZAB log {}: WAL sync on close failed: {}", dir, e.getMessage());
            }
            errorStop.closing();
            db.close();
        }
        syncWrite.close();
        plainWrite.close();
        options.close();
        errorStop.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ZAB log " + dir + " is closed");
        }
    }

    // ---------------------------------------------------------------- encoding

    static byte[] entryKey(long counter) {
        return ByteBuffer.allocate(9).put(ENTRY_TAG).putLong(counter).array();
    }

    private static byte[] entryValue(Txn t) {
        return ByteBuffer.allocate(8 + t.payload().length).putLong(t.epoch()).put(t.payload()).array();
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    private static byte[] twoLongs(long a, long b) {
        return ByteBuffer.allocate(16).putLong(a).putLong(b).array();
    }

    private static byte[] zxidBytes(Zxid z) {
        return twoLongs(z.epoch(), z.counter());
    }

    private static Zxid zxid(byte[] b, int offset) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new Zxid(buf.getLong(offset), buf.getLong(offset + 8));
    }

    private static byte[] installBytes(PendingInstall p) {
        byte[] path = p.dir().toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + path.length).putLong(p.at().epoch()).putLong(p.at().counter()).put(path).array();
    }
}
