package dev.corral.server.storage;

import java.nio.charset.StandardCharsets;

/** The column families of the store, in the order they are opened (after RocksDB's mandatory "default"). */
enum Cf {
    /** node key → {@link NodeMetaCodec} layout. */
    NODE_META("node_meta", true, true),
    /** node key → the node's data bytes. */
    NODE_DATA("node_data", true, true),
    /** 8-byte ACL id → version byte + Jute vector&lt;ACL&gt;. */
    ACL("acl", false, false),
    /** 8-byte session id + UTF-8 path → empty. */
    EPHEMERAL("ephemeral", false, false),
    /** 8-byte session id → version byte + timeout + password. */
    SESSION("session", false, false),
    /** tagged key → 8-byte long: format version, last zxid, max ACL id, named longs. */
    META("meta", false, false),
    /**
     * node key → {@link NodeMetaCodec#encodeChildStat} layout: the fields of a node's metadata that its children's
     * creates and deletes change, written there alone ({@link RocksBatch#putChildStat}); when present they override
     * those of the {@link #NODE_META} record. Only parents have one.
     */
    CHILD_STAT("child_stat", true, false);

    final byte[] nameBytes;
    /** Point-read on every metadata miss, mostly for keys it does not hold: bloom filters. */
    final boolean bloom;
    /** Holds a record per node: a full-size memtable (the others get a quarter). */
    final boolean perNode;

    Cf(String name, boolean bloom, boolean perNode) {
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.bloom = bloom;
        this.perNode = perNode;
    }
}
