package dev.corral.server.replication;

/**
 * The type byte after each frame's 4-byte length on a quorum connection. A frame is {@code length (int, counts the
 * type byte and the body) | type (byte) | body}.
 */
final class FrameType {
    /**
     * First frame on a connection: magic int, version byte, sender's server id int, and (since reconfig; absent in
     * older builds) the sender's quorum port int.
     */
    static final byte HELLO = 1;
    /** Liveness probe, both directions; the accepting side answers each one. Empty body. */
    static final byte HEARTBEAT = 2;
    /** One ZAB message, {@code MessageCodec} bytes. */
    static final byte ZAB = 3;
    /** An opaque host frame (request forwarding, session activity). */
    static final byte HOST = 4;
    /** Snapshot transfer start: at epoch long, at counter long, file count int, total bytes long. */
    static final byte SNAP_BEGIN = 5;
    /** Next file: size long, relative path (UTF-8, short length prefix). */
    static final byte SNAP_FILE = 6;
    /** Bytes of the current file. */
    static final byte SNAP_CHUNK = 7;
    /** End of the current file: CRC32C of its bytes (int). */
    static final byte SNAP_FILE_END = 8;
    /** Snapshot transfer end: at epoch long, at counter long. The ZAB Snap message follows. */
    static final byte SNAP_END = 9;

    static final int MAGIC = 0x43524c51; // "CRLQ"
    /** 2: host frames carry batches and UTF-8 strings with int lengths (a version-1 peer cannot read them). */
    static final byte VERSION = 2;

    private FrameType() {
    }
}
