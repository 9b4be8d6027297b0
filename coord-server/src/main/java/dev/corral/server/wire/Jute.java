package dev.corral.server.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;

/** Encoding and decoding of Jute records, and the framing of replies (4-byte big-endian length prefix). */
public final class Jute {
    private Jute() {
    }

    /** Reads a record of the given kind from {@code in}; malformed input raises IOException. */
    public static <R extends Record> R read(BinaryInputArchive in, R record) throws IOException {
        record.deserialize(in, "");
        return record;
    }

    public static BinaryInputArchive input(byte[] bytes, int offset, int length, int maxBuffer) {
        return new BinaryInputArchive(new DataInputStream(new ByteArrayInputStream(bytes, offset, length)),
                maxBuffer, 1024);
    }

    /** A whole reply frame: length, header, then body (if any). */
    public static byte[] replyFrame(ReplyHeader header, Record body) {
        byte[] children = ChildrenReplies.frame(header, body);
        return children != null ? children : archiveReplyFrame(header, body);
    }

    /** {@link #replyFrame} through Jute's own archive, for any record (and the reference the fast paths match). */
    static byte[] archiveReplyFrame(ReplyHeader header, Record body) {
        // Sized for a typical reply (header + Stat + a short path) so most replies never regrow the buffer.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body == null ? 20 : 256);
        try {
            bytes.write(new byte[4]);
            BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
            header.serialize(out, "header");
            if (body != null) {
                body.serialize(out, "response");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withLength(bytes.toByteArray());
    }

    /** A frame holding one record and no header (the connect response). */
    public static byte[] recordFrame(Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try {
            bytes.write(new byte[4]);
            record.serialize(BinaryOutputArchive.getArchive(bytes), "connect");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withLength(bytes.toByteArray());
    }

    public static byte[] serialize(Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try {
            record.serialize(BinaryOutputArchive.getArchive(bytes), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A frame around an already serialized body. */
    public static byte[] frame(byte[] body, int length) {
        byte[] frame = new byte[length + 4];
        System.arraycopy(body, 0, frame, 4, length);
        return withLength(frame);
    }

    private static byte[] withLength(byte[] frame) {
        int len = frame.length - 4;
        frame[0] = (byte) (len >>> 24);
        frame[1] = (byte) (len >>> 16);
        frame[2] = (byte) (len >>> 8);
        frame[3] = (byte) len;
        return frame;
    }
}
