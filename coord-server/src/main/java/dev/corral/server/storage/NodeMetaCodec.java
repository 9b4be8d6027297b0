package dev.corral.server.storage;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import java.nio.ByteBuffer;

/**
 * Fixed binary layout of {@link NodeMeta}, big-endian, 90 bytes:
 * <pre>
 * off size field
 *   0   1  layout version (1)
 *   1   8  czxid
 *   9   8  mzxid
 *  17   8  pzxid
 *  25   8  ctime
 *  33   8  mtime
 *  41   4  version
 *  45   4  cversion
 *  49   4  aversion
 *  53   8  ephemeralOwner
 *  61   4  dataLength
 *  65   4  numChildren
 *  69   8  aclId
 *  77   4  childSeq
 *  81   1  kind (NodeKind ordinal)
 *  82   8  ttlMs
 * </pre>
 * A later layout gets a new version byte; decode keeps reading the old ones.
 *
 * <p>The fields a child's create or delete changes have a second, small record of their own (the {@code child_stat}
 * column family), big-endian, 21 bytes, which overrides the same fields of the record above when present:
 * <pre>
 * off size field
 *   0   1  layout version (1)
 *   1   8  pzxid
 *   9   4  cversion
 *  13   4  numChildren
 *  17   4  childSeq
 * </pre>
 */
final class NodeMetaCodec {

    static final byte VERSION_1 = 1;
    static final int SIZE_V1 = 90;
    static final int CHILD_STAT_SIZE_V1 = 21;

    private NodeMetaCodec() {
    }

    static byte[] encode(NodeMeta m) {
        ByteBuffer b = ByteBuffer.allocate(SIZE_V1);
        b.put(VERSION_1)
                .putLong(m.czxid())
                .putLong(m.mzxid())
                .putLong(m.pzxid())
                .putLong(m.ctime())
                .putLong(m.mtime())
                .putInt(m.version())
                .putInt(m.cversion())
                .putInt(m.aversion())
                .putLong(m.ephemeralOwner())
                .putInt(m.dataLength())
                .putInt(m.numChildren())
                .putLong(m.aclId())
                .putInt(m.childSeq())
                .put((byte) m.kind().ordinal())
                .putLong(m.ttlMs());
        return b.array();
    }

    static NodeMeta decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != VERSION_1) {
            throw new StoreException("unknown node metadata layout version "
                    + (bytes.length == 0 ? "(empty value)" : Byte.toString(bytes[0])));
        }
        if (bytes.length != SIZE_V1) {
            throw new StoreException("corrupt node metadata: " + bytes.length + " bytes, expected " + SIZE_V1);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, SIZE_V1 - 1);
        long czxid = b.getLong();
        long mzxid = b.getLong();
        long pzxid = b.getLong();
        long ctime = b.getLong();
        long mtime = b.getLong();
        int version = b.getInt();
        int cversion = b.getInt();
        int aversion = b.getInt();
        long ephemeralOwner = b.getLong();
        int dataLength = b.getInt();
        int numChildren = b.getInt();
        long aclId = b.getLong();
        int childSeq = b.getInt();
        int kind = b.get() & 0xFF;
        long ttlMs = b.getLong();
        if (kind >= NodeKind.values().length) {
            throw new StoreException("corrupt node metadata: unknown node kind " + kind);
        }
        return new NodeMeta(czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner,
                dataLength, numChildren, aclId, childSeq, NodeKind.ofOrdinal(kind), ttlMs);
    }

    static byte[] encodeChildStat(NodeMeta m) {
        return ByteBuffer.allocate(CHILD_STAT_SIZE_V1)
                .put(VERSION_1)
                .putLong(m.pzxid())
                .putInt(m.cversion())
                .putInt(m.numChildren())
                .putInt(m.childSeq())
                .array();
    }

    /** {@code own} with the fields of a child_stat record. */
    static NodeMeta withChildStat(NodeMeta own, byte[] bytes) {
        if (bytes.length != CHILD_STAT_SIZE_V1 || bytes[0] != VERSION_1) {
            throw new StoreException("corrupt or unknown child stat record: " + bytes.length + " bytes, version "
                    + (bytes.length == 0 ? "(none)" : Byte.toString(bytes[0])));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, CHILD_STAT_SIZE_V1 - 1);
        long pzxid = b.getLong();
        int cversion = b.getInt();
        int numChildren = b.getInt();
        int childSeq = b.getInt();
        return new NodeMeta(own.czxid(), own.mzxid(), pzxid, own.ctime(), own.mtime(), own.version(), cversion,
                own.aversion(), own.ephemeralOwner(), own.dataLength(), numChildren, own.aclId(), childSeq,
                own.kind(), own.ttlMs());
    }
}
