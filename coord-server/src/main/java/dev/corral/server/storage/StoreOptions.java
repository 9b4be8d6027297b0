package dev.corral.server.storage;

/**
 * Tuning of the RocksDB instance behind {@link RocksZnodeStore}, sized for a small coordination server.
 *
 * @param blockCacheBytes  one LRU block cache shared by all column families; index and filter blocks live in it
 *                         too, so it bounds the read-side native memory
 * @param writeBufferBytes memtable size of each of the two node column families (the small ones use a quarter)
 * @param maxOpenFiles     table files kept open (-1 = unlimited)
 * @param maxTotalWalBytes WAL size that forces a flush of the column families holding the oldest log; keeps the
 *                         WAL short when the small column families (sessions, ACLs) rarely flush on their own
 * @param writeAheadLog    false for a store that another log makes durable (an ensemble member's tree: its ZAB log
 *                         holds every txn): writes skip RocksDB's WAL, all column families flush together (atomic
 *                         flush), and a synced commit flushes them. After a crash the store is at its last flush,
 *                         always on a batch boundary; the owner replays its own log from {@code lastZxid}.
 */
public record StoreOptions(long blockCacheBytes, long writeBufferBytes, int maxOpenFiles, long maxTotalWalBytes,
                           boolean writeAheadLog) {

    private static final long MIB = 1024 * 1024;

    public StoreOptions {
        if (blockCacheBytes < MIB) {
            throw new IllegalArgumentException("blockCacheBytes must be at least 1 MiB: " + blockCacheBytes);
        }
        if (writeBufferBytes < MIB) {
            throw new IllegalArgumentException("writeBufferBytes must be at least 1 MiB: " + writeBufferBytes);
        }
        if (maxOpenFiles < -1 || maxOpenFiles == 0) {
            throw new IllegalArgumentException("maxOpenFiles must be -1 or positive: " + maxOpenFiles);
        }
        if (maxTotalWalBytes < 4 * MIB) {
            throw new IllegalArgumentException("maxTotalWalBytes must be at least 4 MiB: " + maxTotalWalBytes);
        }
    }

    /** 64 MiB block cache, 16 MiB memtables, 512 open files, 128 MiB of WAL. */
    public static StoreOptions defaults() {
        return new StoreOptions(64 * MIB, 16 * MIB, 512, 128 * MIB, true);
    }

    public StoreOptions withBlockCacheBytes(long bytes) {
        return new StoreOptions(bytes, writeBufferBytes, maxOpenFiles, maxTotalWalBytes, writeAheadLog);
    }

    public StoreOptions withWriteBufferBytes(long bytes) {
        return new StoreOptions(blockCacheBytes, bytes, maxOpenFiles, maxTotalWalBytes, writeAheadLog);
    }

    /** The same, durable only by flushes (see {@code writeAheadLog}). */
    public StoreOptions withoutWriteAheadLog() {
        return new StoreOptions(blockCacheBytes, writeBufferBytes, maxOpenFiles, maxTotalWalBytes, false);
    }
}
