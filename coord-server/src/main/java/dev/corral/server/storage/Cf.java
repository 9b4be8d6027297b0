package dev.corral.server.storage;

import java.nio.charset.StandardCharsets;

/** The column families of the store, in the order they are opened (after RocksDB's mandatory "default"). */
enum Cf {
    /** node key → {@link NodeMetaCodec} layout. */
    NODE_META("node_meta", true, true, 1 << 20),
    /** node key → the node's data bytes. */
    NODE_DATA("node_data", true, true, 8 << 20),
    /** 8-byte ACL id → version byte + Jute vector&lt;ACL&gt;. */
    ACL("acl", false, false, 0),
    /** 8-byte session id + UTF-8 path → empty. */
    EPHEMERAL("ephemeral", false, false, 0),
    /** 8-byte session id → version byte + timeout + password. */
    SESSION("session", false, false, 0),
    /** tagged key → 8-byte long: format version, last zxid, max ACL id, named longs. */
    META("meta", false, false, 0),
    /**
     * node key → {@link NodeMetaCodec#encodeChildStat} layout: the fields of a node's metadata that its children's
     * creates and deletes change, written there alone ({@link RocksBatch#putChildStat}); when present they override
     * those of the {@link #NODE_META} record. Only parents have one.
     */
    CHILD_STAT("child_stat", true, false, 0);

    final byte[] nameBytes;
    /** Point-read on every metadata miss, mostly for keys it does not hold: bloom filters. */
    final boolean bloom;
    /** Holds a record per node: a full-size memtable (the others get a quarter). */
    final boolean perNode;

    /**
     * Size at which compaction cuts its output files (0: RocksDB's 64 MiB). Small for the node column families:
     * new children (sequential names) sort into the gap before the next keys of their depth, so each compaction of
     * a flushed run of creates also rewrites the one file that spans that gap. With 64 MiB files that file grew to
     * the whole column family (node_meta: every node's metadata at each compaction); now it is at most this big.
     */
    final long targetFileBytes;

    Cf(String name, boolean bloom, boolean perNode, long targetFileBytes) {
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.bloom = bloom;
        this.perNode = perNode;
        this.targetFileBytes = targetFileBytes;
    }
}
