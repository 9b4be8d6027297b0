package dev.corral.server.storage;

import java.nio.charset.StandardCharsets;

/** The column families of the store, in the order they are opened (after RocksDB's mandatory "default"). */
enum Cf {
    /** node key → {@link NodeMetaCodec} layout. */
    NODE_META("node_meta", true),
    /** node key → the node's data bytes. */
    NODE_DATA("node_data", true),
    /** 8-byte ACL id → version byte + Jute vector&lt;ACL&gt;. */
    ACL("acl", false),
    /** 8-byte session id + UTF-8 path → empty. */
    EPHEMERAL("ephemeral", false),
    /** 8-byte session id → version byte + timeout + password. */
    SESSION("session", false),
    /** tagged key → 8-byte long: format version, last zxid, max ACL id, named longs. */
    META("meta", false);

    final byte[] nameBytes;
    /** The big, point-read column families: bloom filters and a full-size memtable. */
    final boolean nodeFamily;

    Cf(String name, boolean nodeFamily) {
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.nodeFamily = nodeFamily;
    }
}
