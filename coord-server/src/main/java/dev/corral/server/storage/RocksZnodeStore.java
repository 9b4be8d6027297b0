package dev.corral.server.storage;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import dev.corral.server.tree.ZnodeStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.zookeeper.data.ACL;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Holder;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
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
 * The RocksDB store of record for the znode tree, sessions, interned ACLs and the last applied zxid.
 *
 * <p>Nothing of the tree is loaded at open; the heap holds only the interned ACL lists (few) and two longs. Reads
 * may come from any thread; {@link #commit} is serialized. Closing waits for running calls; a call on a closed
 * store throws {@link IllegalStateException} (rather than touching freed native memory). See docs/storage.md.
 *
 * <p>Size: it implements the whole {@code ZnodeStore} interface (reads of every record kind, batches, checkpoints,
 * open and close) over one RocksDB instance whose options and column families must be read together; the codecs,
 * keys, caches and batch are in their own classes ({@link Keys}, {@link NodeMetaCodec}, {@link MetaCache},
 * {@link RocksBatch}).
 */
public final class RocksZnodeStore implements ZnodeStore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksZnodeStore.class);

    // Keys of the META column family.
    static final byte[] FORMAT_KEY = {0x00};
    static final byte[] LAST_ZXID_KEY = {0x01};
    static final byte[] MAX_ACL_ID_KEY = {0x02};
    static final byte NAMED_LONG_TAG = 0x03;
    static final byte[] NODE_COUNT_KEY = {0x04};
    static final byte[] DATA_SIZE_KEY = {0x05};
    static final byte[] EPHEMERAL_COUNT_KEY = {0x06};
    static final long FORMAT_VERSION = 2;

    static {
        RocksNative.load();
    }

    private final Path dir;
    private final RocksDB db;
    private final ColumnFamilyHandle[] handles;         // indexed by Cf.ordinal()
    private final List<AutoCloseable> nativeResources;   // options, cache, filter: closed after the db, in reverse
    private final WriteOptions syncWrite;
    private final WriteOptions asyncWrite;
    /** False: writes skip the WAL and a synced commit flushes instead (see {@link StoreOptions#writeAheadLog}). */
    private final boolean writeAheadLog;
    private final FlushOptions flushAndWait;
    private final BackgroundErrorStop errorStop;
    private final TableChecks tableChecks;

    private final ConcurrentHashMap<Long, List<ACL>> aclById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<ACL>, Long> idByAcl = new ConcurrentHashMap<>();
    private volatile long maxAclId;
    private volatile long lastZxid;
    /** Keys in the node metadata column family: every node, the root included. Kept in META by each commit. */
    private volatile long nodeCount;
    /** ZooKeeper's approximate data size: the sum of every node's path and data lengths, kept like the count. */
    private volatile long dataSize;
    /** Ephemeral nodes in the store (mntr's ephemerals_count without a scan per session), kept like the count. */
    private volatile long ephemeralCount;

    /** Read side: every call on the db; write side: close. Keeps a close from freeing what a call still uses. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;                              // guarded by lifecycle
    private final Object commitLock = new Object();
    /** Decoded node metadata, kept coherent under commitLock (see {@link MetaCache}). */
    private final MetaCache metaCache = new MetaCache(Integer.getInteger("corral.metaCacheEntries", 65_536));
    /** Children lists of recently listed nodes, coherent like the metadata cache (see {@link ChildrenCache}). */
    private final ChildrenCache childrenCache =
            new ChildrenCache(Integer.getInteger("corral.childrenCacheNames", 100_000));

    private RocksZnodeStore(Path dir, RocksDB db, ColumnFamilyHandle[] handles, List<AutoCloseable> nativeResources,
                            WriteOptions syncWrite, WriteOptions asyncWrite, boolean writeAheadLog,
                            FlushOptions flushAndWait, BackgroundErrorStop errorStop, TableChecks tableChecks) {
        this.dir = dir;
        this.tableChecks = tableChecks;
        this.errorStop = errorStop;
        this.db = db;
        this.handles = handles;
        this.nativeResources = nativeResources;
        this.syncWrite = syncWrite;
        this.asyncWrite = asyncWrite;
        this.writeAheadLog = writeAheadLog;
        this.flushAndWait = flushAndWait;
    }

    /** Opens the store in {@code dir}, creating the directory and an empty store if missing. */
    public static RocksZnodeStore open(Path dir) {
        return open(dir, StoreOptions.defaults());
    }

    public static RocksZnodeStore open(Path dir, StoreOptions options) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create store directory " + dir + ": " + e, e);
        }
        List<AutoCloseable> resources = new ArrayList<>();
        List<ColumnFamilyHandle> handleList = new ArrayList<>();
        RocksDB db = null;
        BackgroundErrorStop errorStop = null;
        TableChecks checks = null;
        try {
            // Few shards: RocksDB's default for 64 MiB is 64 shards of 1 MiB, and a block larger than its shard is
            // evicted as soon as it is used.
            LRUCache cache = track(resources, new LRUCache(options.blockCacheBytes(), 2));
            BloomFilter bloom = track(resources, new BloomFilter(10));

            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY,
                    track(resources, columnFamilyOptions(cache, null, options.writeBufferBytes() / 4))));
            for (Cf cf : Cf.values()) {
                ColumnFamilyOptions cfOptions = columnFamilyOptions(cache, cf.bloom ? bloom : null,
                        cf.perNode ? options.writeBufferBytes() : Math.max(1 << 20, options.writeBufferBytes() / 4));
                if (cf.targetFileBytes > 0) {
                    cfOptions.setTargetFileSizeBase(cf.targetFileBytes);
                }
                descriptors.add(new ColumnFamilyDescriptor(cf.nameBytes, track(resources, cfOptions)));
            }
            errorStop = track(resources, new BackgroundErrorStop("store", dir));
            DBOptions dbOptions = track(resources, new DBOptions()
                    .setListeners(List.of(errorStop))
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setAllowConcurrentMemtableWrite(false)
                    .setMaxOpenFiles(options.maxOpenFiles())
                    .setMaxTotalWalSize(options.maxTotalWalBytes())
                    // A standalone server's WAL holds acknowledged writes: a damaged record before its end must stop
                    // the open (naming the file), not end the replay there as PointInTimeRecovery would.
                    .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                    .setMaxBackgroundJobs(2)
                    .setBytesPerSync(1 << 20)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(4)
                    .setMaxLogFileSize(8 << 20)
                    // Without a WAL a flush is the only durability: all column families at one batch boundary.
                    .setAtomicFlush(!options.writeAheadLog()));
            boolean wal = options.writeAheadLog();
            WriteOptions syncWrite = track(resources, new WriteOptions().setSync(wal).setDisableWAL(!wal));
            WriteOptions asyncWrite = track(resources, new WriteOptions().setSync(false).setDisableWAL(!wal));
            FlushOptions flushAndWait = track(resources, new FlushOptions().setWaitForFlush(true));

            db = RocksDB.open(dbOptions, dir.toString(), descriptors, handleList);
            errorStop.opened(db);
            RocksDB opened = db;
            // Every block of every table file the check record does not vouch for (TableChecks).
            checks = TableChecks.open(dir, () -> liveTables(opened));

            ColumnFamilyHandle[] handles = new ColumnFamilyHandle[Cf.values().length];
            for (Cf cf : Cf.values()) {
                handles[cf.ordinal()] = handleList.get(cf.ordinal() + 1);   // 0 is "default"
            }
            RocksZnodeStore store = new RocksZnodeStore(dir, db, handles, resources, syncWrite, asyncWrite, wal,
                    flushAndWait, errorStop, checks);
            handleList.get(0).close();                                      // "default" is never used
            store.load();
            LOG.info("Opened store {} in {} ms: lastZxid=0x{}, {} ACL lists", dir,
                    (System.nanoTime() - start) / 1_000_000, Long.toHexString(store.lastZxid), store.aclById.size());
            return store;
        } catch (RocksDBException | RuntimeException e) {
            if (checks != null) {
                checks.close();
            }
            if (errorStop != null) {
                errorStop.closing();
            }
            for (ColumnFamilyHandle h : handleList) {
                h.close();
            }
            if (db != null) {
                db.close();
            }
            closeAll(resources);
            if (e instanceof StoreException se) {
                throw se;
            }
            String why = e instanceof RocksDBException re ? WalCheck.describeOpenFailure(dir, re) : e.getMessage();
            throw new StoreException("cannot open store at " + dir + ": " + why, e);
        }
    }

    /** The database's live table files, by name in its directory. */
    private static List<String> liveTables(RocksDB db) {
        List<String> names = new ArrayList<>();
        for (org.rocksdb.LiveFileMetaData f : db.getLiveFilesMetaData()) {
            String name = f.fileName();
            names.add(name.startsWith("/") ? name.substring(1) : name);
        }
        return names;
    }

    private static ColumnFamilyOptions columnFamilyOptions(LRUCache cache, BloomFilter bloom, long writeBuffer) {
        // Index and filter blocks are charged to the block cache, so native memory stays bounded as the tree
        // grows; they are partitioned (two-level index, partitioned filters) so that a get loads a few KiB of them,
        // not a whole file's filter (about 1.2 MiB per million keys), and only their small top level is pinned.
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096);
        ColumnFamilyOptions cf = new ColumnFamilyOptions();
        if (bloom != null) {
            table.setFilterPolicy(bloom);
            // Every create looks up a path that does not exist yet; a bloom filter over the memtable answers most
            // such misses without searching it (the SST files' filters cover the rest).
            cf.setMemtablePrefixBloomSizeRatio(0.05).setMemtableWholeKeyFiltering(true);
        }
        // A setData or a child's create rewrites a node's record with one of the same size: overwritten in the
        // memtable, not added beside the old versions, the memtable stays as small as the set of hot nodes (a multi
        // of 10 setData spent a third of the request thread in the skiplist of stale versions; docs/benchmarks.md)
        // and flushes and compactions come only with new nodes. RocksDB then allows no backward iteration (see
        // maxDepth) and no concurrent memtable writes (there is one writer, the request thread).
        return cf
                .setInplaceUpdateSupport(true)
                .setTableFormatConfig(table)
                .setWriteBufferSize(writeBuffer)
                .setMaxWriteBufferNumber(2)
                .setCompactionStyle(CompactionStyle.LEVEL)
                .setLevelCompactionDynamicLevelBytes(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION);
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    private void load() throws RocksDBException {
        byte[] format = db.get(handle(Cf.META), FORMAT_KEY);
        if (format == null || (format.length == 8 && Keys.getLong(format, 0) == 1)) {
            // New, or version 1: a version 1 store is a version 2 store without child_stat records. Marked 2 now,
            // so that a build that knows only version 1 (and would ignore child_stat) refuses it.
            db.put(handle(Cf.META), syncWrite, FORMAT_KEY, Keys.longKey(FORMAT_VERSION));
        } else if (format.length != 8 || Keys.getLong(format, 0) != FORMAT_VERSION) {
            throw new StoreException("store at " + dir + " has an unknown format version "
                    + (format.length == 8 ? Long.toString(Keys.getLong(format, 0)) : "(corrupt)")
                    + "; this build reads version " + FORMAT_VERSION);
        }
        lastZxid = readMetaLong(LAST_ZXID_KEY, 0);
        nodeCount = readMetaLong(NODE_COUNT_KEY, -1);
        if (nodeCount < 0) {
            // A store written before the count was kept: count once, and keep it from now on.
            nodeCount = scan(Cf.NODE_META, new byte[0], false, null);
            db.put(handle(Cf.META), syncWrite, NODE_COUNT_KEY, Keys.longKey(nodeCount));
        }
        dataSize = readMetaLong(DATA_SIZE_KEY, -1);
        ephemeralCount = readMetaLong(EPHEMERAL_COUNT_KEY, -1);
        if (dataSize < 0 || ephemeralCount < 0) {
            // A store written before these were kept: add them up once (metadata only), and keep them from now on.
            long[] sum = {0, 0};
            scan(Cf.NODE_META, new byte[0], false, (key, it) -> {
                RocksBatch.Counted c = RocksBatch.Counted.of(Keys.pathOfKey(key), NodeMetaCodec.decode(it.value()));
                sum[0] += c.dataSize();
                sum[1] += c.ephemerals();
            });
            dataSize = sum[0];
            ephemeralCount = sum[1];
            db.put(handle(Cf.META), syncWrite, DATA_SIZE_KEY, Keys.longKey(dataSize));
            db.put(handle(Cf.META), syncWrite, EPHEMERAL_COUNT_KEY, Keys.longKey(ephemeralCount));
        }
        long[] maxId = {readMetaLong(MAX_ACL_ID_KEY, 0)};
        scan(Cf.ACL, new byte[0], true, (key, it) -> {
            long id = Keys.getLong(key, 0);
            List<ACL> acl = ValueCodecs.decodeAcl(it.value());
            aclById.put(id, acl);
            idByAcl.putIfAbsent(acl, id);                   // ascending ids: the lowest id of equal lists wins
            maxId[0] = Math.max(maxId[0], id);
        });
        maxAclId = maxId[0];
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public NodeMeta meta(String path) {
        Object hit = metaCache.lookup(path);
        if (hit != null) {
            return MetaCache.isAbsent(hit) ? null : (NodeMeta) hit;
        }
        long generation = metaCache.generation();
        byte[] key = Keys.nodeKey(path);
        NodeMeta meta = read(() -> {
            byte[] value = getMaybeMissing(handle(Cf.NODE_META), key);
            if (value == null) {
                return null;
            }
            byte[] childStat = getMaybeMissing(handle(Cf.CHILD_STAT), key);
            NodeMeta own = NodeMetaCodec.decode(value);
            return childStat == null ? own : NodeMetaCodec.withChildStat(own, childStat);
        });
        synchronized (commitLock) {
            metaCache.offer(path, meta, generation);
        }
        return meta;
    }

    @Override
    public byte[] data(String path) {
        byte[] key = Keys.nodeKey(path);
        return read(() -> db.get(handle(Cf.NODE_DATA), key));   // no record: no node, or null data (putData)
    }

    @Override
    public List<String> children(String path) {
        int depth = Keys.depth(path);
        if (depth == Keys.MAX_DEPTH) {
            return List.of();
        }
        List<String> cached = childrenCache.lookup(path);
        if (cached != null) {
            return new ArrayList<>(cached);
        }
        long generation = metaCache.generation();
        byte[] prefix = Keys.descendantPrefix(path, depth + 1);
        List<String> names = new ArrayList<>();
        read(() -> scan(Cf.NODE_META, prefix, true, (key, it) -> names.add(
                new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8))));
        synchronized (commitLock) {
            childrenCache.offer(path, names, generation, metaCache.generation());
        }
        return names;
    }

    /** A seek to the first child after {@code after}, then up to {@code limit} keys of the parent's prefix. */
    @Override
    public List<String> childrenAfter(String path, String after, int limit) {
        int depth = Keys.depth(path);
        if (depth == Keys.MAX_DEPTH || limit <= 0) {
            return List.of();
        }
        byte[] prefix = Keys.descendantPrefix(path, depth + 1);
        byte[] afterBytes = after.getBytes(StandardCharsets.UTF_8);
        byte[] start = Arrays.copyOf(prefix, prefix.length + afterBytes.length);
        System.arraycopy(afterBytes, 0, start, prefix.length, afterBytes.length);
        byte[] end = Keys.prefixEnd(prefix);
        List<String> names = new ArrayList<>();
        return read(() -> {
            try (Slice upper = end == null ? null : new Slice(end);
                 ReadOptions ro = new ReadOptions()) {
                if (upper != null) {
                    ro.setIterateUpperBound(upper);
                }
                try (RocksIterator it = db.newIterator(handle(Cf.NODE_META), ro)) {
                    for (it.seek(start); it.isValid() && names.size() < limit; it.next()) {
                        byte[] key = it.key();
                        if (end == null && !Keys.startsWith(key, prefix)) {
                            break;
                        }
                        if (afterBytes.length > 0 && Arrays.equals(key, start)) {
                            continue;                               // the name the caller already has
                        }
                        names.add(new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8));
                    }
                    it.status();
                }
            }
            return names;
        });
    }

    /**
     * One bounded scan per depth below {@code path}, down to the deepest key in the store (the last key, since keys
     * sort by depth first). Counts keys without decoding them and without filling the block cache.
     */
    @Override
    public long descendantCount(String path) {
        if ("/".equals(path)) {
            // Every stat, srvr and mntr asks for the whole tree's size: from the count, not a scan of every key.
            long count = nodeCount;
            return meta("/") == null ? count : count - 1;
        }
        int depth = Keys.depth(path);
        return read(() -> {
            int maxDepth = maxDepth();
            long count = 0;
            for (int d = depth + 1; d <= maxDepth; d++) {
                count += scan(Cf.NODE_META, Keys.descendantPrefix(path, d), false, null);
            }
            return count;
        });
    }

    @Override
    public long approximateDataSize() {
        return dataSize;
    }

    @Override
    public long ephemeralCount() {
        return ephemeralCount;
    }

    @Override
    public List<ACL> acl(long aclId) {
        return aclById.get(aclId);
    }

    @Override
    public long aclId(List<ACL> acl) {
        Long id = idByAcl.get(Objects.requireNonNull(acl, "acl"));
        return id == null ? -1 : id;
    }

    @Override
    public long maxAclId() {
        return maxAclId;
    }

    @Override
    public List<String> ephemerals(long sessionId) {
        byte[] prefix = Keys.longKey(sessionId);
        List<String> paths = new ArrayList<>();
        read(() -> scan(Cf.EPHEMERAL, prefix, true, (key, it) -> paths.add(
                new String(key, 8, key.length - 8, StandardCharsets.UTF_8))));
        return paths;
    }

    @Override
    public void forEachSession(Consumer<SessionRecord> consumer) {
        read(() -> scan(Cf.SESSION, new byte[0], true,
                (key, it) -> consumer.accept(ValueCodecs.decodeSession(Keys.getLong(key, 0), it.value()))));
    }

    @Override
    public long lastZxid() {
        return lastZxid;
    }

    @Override
    public long metaLong(String key, long dflt) {
        byte[] k = RocksBatch.namedLongKey(key);
        return read(() -> readMetaLong(k, dflt));
    }

    // ---------------------------------------------------------------------------------------------- writes

    @Override
    public Batch batch() {
        return new RocksBatch(this);
    }

    /**
     * Applies the batch as one RocksDB WriteBatch, atomic whether synced or not. With a WAL, {@code sync} sets
     * WriteOptions.sync (fsync of the WAL before returning); without one, {@code sync} flushes every column family
     * after the write. An empty batch with {@code sync} makes earlier unsynced commits durable the same way.
     */
    @Override
    public void commit(Batch batch, boolean sync) {
        if (!(batch instanceof RocksBatch b) || b.owner != this) {
            throw new IllegalArgumentException("not a batch of this store");
        }
        read(() -> {
            synchronized (commitLock) {
                b.markCommitted();
                if (!b.ops.isEmpty()) {
                    apply(b, sync && writeAheadLog);
                }
                if (sync && (b.ops.isEmpty() || !writeAheadLog)) {
                    makeDurable();
                }
                return null;
            }
        });
    }

    @Override
    public void checkpoint(Path target) {
        read(() -> {
            // Under the commit lock: the copy sits exactly on a batch boundary.
            synchronized (commitLock) {
                try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
                    checkpoint.createCheckpoint(target.toString());
                }
                return null;
            }
        });
    }

    /** Makes every commit so far durable: an fsync of the WAL, or without one a flush of every column family. */
    private void makeDurable() throws RocksDBException {
        if (writeAheadLog) {
            db.syncWal();
        } else {
            db.flush(flushAndWait, Arrays.asList(handles));
        }
    }

    private void apply(RocksBatch b, boolean sync) throws RocksDBException {
        RocksBatch.Counted delta = b.delta();
        long countDelta = delta.nodes();
        long sizeDelta = delta.dataSize();
        long ephemeralDelta = delta.ephemerals();
        long newMaxAclId = maxAclId;
        for (Long id : b.pendingAcls.keySet()) {
            newMaxAclId = Math.max(newMaxAclId, id);
        }
        // Publish id → ACL before the write, so that a reader who sees a node naming a new id can resolve it;
        // list → id only after it, so that aclId() never hands out an id that is not stored.
        Map<Long, List<ACL>> previous = new HashMap<>();
        for (Map.Entry<Long, List<ACL>> e : b.pendingAcls.entrySet()) {
            previous.put(e.getKey(), aclById.put(e.getKey(), e.getValue()));
        }
        try (WriteBatch wb = new WriteBatch()) {
            for (RocksBatch.Op op : b.ops) {
                ColumnFamilyHandle h = handle(op.cf());
                if (op.value() == null) {
                    wb.delete(h, op.key());
                } else {
                    wb.put(h, op.key(), op.value());
                }
            }
            if (newMaxAclId != maxAclId) {
                wb.put(handle(Cf.META), MAX_ACL_ID_KEY, Keys.longKey(newMaxAclId));
            }
            if (countDelta != 0) {
                wb.put(handle(Cf.META), NODE_COUNT_KEY, Keys.longKey(nodeCount + countDelta));
            }
            if (sizeDelta != 0) {
                wb.put(handle(Cf.META), DATA_SIZE_KEY, Keys.longKey(dataSize + sizeDelta));
            }
            if (ephemeralDelta != 0) {
                wb.put(handle(Cf.META), EPHEMERAL_COUNT_KEY, Keys.longKey(ephemeralCount + ephemeralDelta));
            }
            db.write(sync ? syncWrite : asyncWrite, wb);
        } catch (RocksDBException | RuntimeException e) {
            previous.forEach((id, old) -> {
                if (old == null) {
                    aclById.remove(id);
                } else {
                    aclById.put(id, old);
                }
            });
            throw e;
        }
        for (Map.Entry<Long, List<ACL>> e : b.pendingAcls.entrySet()) {
            List<ACL> old = previous.get(e.getKey());
            if (old != null && !old.equals(e.getValue())) {
                idByAcl.remove(old, e.getKey());             // the id was re-used for another list
            }
            idByAcl.putIfAbsent(e.getValue(), e.getKey());
        }
        metaCache.committed(b.metaChanges);
        childrenCache.committed(b.metaChanges.keySet());
        maxAclId = newMaxAclId;
        nodeCount += countDelta;
        dataSize += sizeDelta;
        ephemeralCount += ephemeralDelta;
        if (b.hasZxid) {
            lastZxid = b.zxid;
        }
    }

    /** Makes unsynced commits durable (see {@link #commit}) and releases the database and every native object. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            tableChecks.close();                            // it lists the database's files: stopped before it closes
            RocksDBException failure = null;
            try {
                makeDurable();
            } catch (RocksDBException e) {
                failure = e;
            }
            errorStop.closing();
            for (ColumnFamilyHandle h : handles) {
                h.close();
            }
            try {
                db.closeE();
            } catch (RocksDBException e) {
                failure = failure == null ? e : failure;
            }
            closeAll(nativeResources);
            if (failure != null) {
                throw new StoreException("error closing store at " + dir + ": " + failure.getMessage(), failure);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Parents whose children lists are cached (for tests). */
    int childrenCacheSize() {
        return childrenCache.size();
    }

    /** Entries in the metadata cache (for tests). */
    int metaCacheSize() {
        return metaCache.size();
    }

    /** Entries in the active memtables of the per-node families (tests: in-place updates keep this flat). */
    long activeMemtableEntries() {
        return read(() -> db.getLongProperty(handle(Cf.NODE_META), "rocksdb.num-entries-active-mem-table")
                + db.getLongProperty(handle(Cf.NODE_DATA), "rocksdb.num-entries-active-mem-table"));
    }

    /** RocksDB's figures: summed over the column families where they are per family, the DB's where shared. */
    @Override
    public java.util.Map<String, Long> engineFigures() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        try {
            long keys = 0;
            long pending = 0;
            for (ColumnFamilyHandle h : handles) {
                keys += db.getLongProperty(h, "rocksdb.estimate-num-keys");
                pending += db.getLongProperty(h, "rocksdb.estimate-pending-compaction-bytes");
            }
            m.put("rocksdb_estimate_num_keys", keys);
            m.put("rocksdb_estimate_pending_compaction_bytes", pending);
            m.put("rocksdb_num_running_compactions", db.getLongProperty("rocksdb.num-running-compactions"));
            m.put("rocksdb_num_running_flushes", db.getLongProperty("rocksdb.num-running-flushes"));
            // The families share one block cache: any family's figure is the cache's.
            m.put("rocksdb_block_cache_usage_bytes", db.getLongProperty(handles[0], "rocksdb.block-cache-usage"));
            m.put("rocksdb_block_cache_capacity_bytes",
                    db.getLongProperty(handles[0], "rocksdb.block-cache-capacity"));
            m.put("rocksdb_live_sst_files_bytes", db.getLongProperty("rocksdb.live-sst-files-size"));
            // What the memtables hold in native memory (all families): with the block cache, most of RocksDB's RSS.
            m.put("rocksdb_cur_size_all_mem_tables_bytes", db.getLongProperty("rocksdb.cur-size-all-mem-tables"));
        } catch (org.rocksdb.RocksDBException e) {
            // A property the engine cannot give is left out of this scrape; the store itself is fine.
        }
        return m;
    }

    public Path directory() {
        return dir;
    }

    // ---------------------------------------------------------------------------------------------- internals

    @FunctionalInterface
    private interface RocksCall<T> {
        T call() throws RocksDBException;
    }

    @FunctionalInterface
    private interface EntryVisitor {
        /** {@code key} is a copy; {@code it} is positioned on the entry (read {@code it.value()} if needed). */
        void visit(byte[] key, RocksIterator it);
    }

    /**
     * {@code db.get} for a key that is often absent (every create looks up its new path first). rocksdbjni 9.x's get
     * answers a miss by throwing and catching a C++ exception inside its JNI stub (facebook/rocksdb#13023), which made
     * a miss cost about three times a hit; keyMayExist answers most misses from the bloom filters without it. Its
     * value holder is not used: when the index block is not cached it can report a value found and hand back an
     * empty one (facebook/rocksdb#12921).
     */
    private byte[] getMaybeMissing(ColumnFamilyHandle cf, byte[] key) throws RocksDBException {
        return db.keyMayExist(cf, key, (Holder<byte[]>) null) ? db.get(cf, key) : null;
    }

    private <T> T read(RocksCall<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("store at " + dir + " is closed");
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new StoreException("store at " + dir + ": " + describe(e), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private static String describe(RocksDBException e) {
        return e.getStatus() != null ? e.getStatus().getCodeString() + ": " + e.getMessage() : e.getMessage();
    }

    private ColumnFamilyHandle handle(Cf cf) {
        return handles[cf.ordinal()];
    }

    private long readMetaLong(byte[] key, long dflt) throws RocksDBException {
        byte[] v = db.get(handle(Cf.META), key);
        if (v == null) {
            return dflt;
        }
        if (v.length != 8) {
            throw new StoreException("corrupt meta value of " + v.length + " bytes in store at " + dir);
        }
        return Keys.getLong(v, 0);
    }

    /**
     * The depth of the deepest node, or -1 when there is none. Forward seeks only: memtables that update values in
     * place (see {@link #columnFamilyOptions}) cannot be iterated backwards. A key begins with its node's depth, so
     * one seek tells whether any node is at least {@code d} deep, and the deepest is found by bisection (at most 17
     * seeks).
     */
    private int maxDepth() throws RocksDBException {
        try (RocksIterator it = db.newIterator(handle(Cf.NODE_META))) {
            it.seekToFirst();
            if (!it.isValid()) {
                it.status();
                return -1;
            }
            int deepest = Keys.depthOfKey(it.key());   // a node this deep exists
            int none = Keys.MAX_DEPTH + 1;             // no node is this deep or deeper
            while (none - deepest > 1) {
                int mid = (deepest + none) >>> 1;
                it.seek(new byte[] {(byte) (mid >>> 8), (byte) mid});
                if (it.isValid()) {
                    deepest = Keys.depthOfKey(it.key());
                } else {
                    it.status();
                    none = mid;
                }
            }
            return deepest;
        }
    }

    /**
     * Visits (or, with a null visitor, counts) the entries of {@code cf} whose key starts with {@code prefix}, in
     * key order. Total-order seek bounded by an iterate upper bound, so it is exact for keys of any length.
     */
    private long scan(Cf cf, byte[] prefix, boolean fillCache, EntryVisitor visitor) throws RocksDBException {
        byte[] end = Keys.prefixEnd(prefix);
        try (Slice upper = end == null ? null : new Slice(end);
             ReadOptions ro = new ReadOptions().setFillCache(fillCache)) {
            if (upper != null) {
                ro.setIterateUpperBound(upper);
            }
            try (RocksIterator it = db.newIterator(handle(cf), ro)) {
                long n = 0;
                for (it.seek(prefix); it.isValid(); it.next()) {
                    if (visitor != null || end == null) {
                        byte[] key = it.key();
                        if (end == null && !Keys.startsWith(key, prefix)) {
                            break;
                        }
                        if (visitor != null) {
                            visitor.visit(key, it);
                        }
                    }
                    n++;
                }
                it.status();
                return n;
            }
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Error releasing a RocksDB object", e);
            }
        }
    }
}
