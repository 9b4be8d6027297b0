package dev.corral.server.wire;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.ReplyHeader;

/**
 * Reply frames for getChildren and getChildren2, written straight into an exact-size array in Jute's layout
 * (vector: int count, or -1 for null; ustring: int length, or -1 for null, then the chars as Jute encodes them). Jute's own archive encodes
 * each string one char at a time through a bounds-checked buffer and regrows its output: for a 1,000-child reply
 * that was most of the cost of answering it. {@code ChildrenRepliesTest} checks the bytes against Jute's.
 */
final class ChildrenReplies {
    private static final int HEADER = 4 + 8 + 4;
    private static final int STAT = 8 * 4 + 4 * 3 + 8 + 4 * 2 + 8;

    private ChildrenReplies() {
    }

    /** The frame, or null if {@code body} is not a children reply. */
    static byte[] frame(ReplyHeader header, Object body) {
        if (body instanceof GetChildrenResponse r) {
            return frame(header, r.getChildren(), null);
        }
        if (body instanceof GetChildren2Response r) {
            return frame(header, r.getChildren(), r.getStat() == null ? new Stat() : r.getStat());
        }
        return null;
    }

    private static byte[] frame(ReplyHeader header, List<String> children, Stat stat) {
        int n = children == null ? 0 : children.size();
        byte[][] encoded = new byte[n][];
        int size = 4 + HEADER + 4 + (stat == null ? 0 : STAT);
        for (int i = 0; i < n; i++) {
            String name = children.get(i);
            encoded[i] = name == null ? null : utf8(name);
            size += 4 + (name == null ? 0 : encoded[i].length);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(size - 4);
        out.putInt(header.getXid()).putLong(header.getZxid()).putInt(header.getErr());
        out.putInt(children == null ? -1 : n);
        for (byte[] name : encoded) {
            if (name == null) {
                out.putInt(-1);
            } else {
                out.putInt(name.length).put(name);
            }
        }
        if (stat != null) {
            out.putLong(stat.getCzxid()).putLong(stat.getMzxid()).putLong(stat.getCtime()).putLong(stat.getMtime())
                    .putInt(stat.getVersion()).putInt(stat.getCversion()).putInt(stat.getAversion())
                    .putLong(stat.getEphemeralOwner()).putInt(stat.getDataLength()).putInt(stat.getNumChildren())
                    .putLong(stat.getPzxid());
        }
        return out.array();
    }

    /**
     * Jute's string encoding: UTF-8 one char at a time, so a surrogate pair becomes two 3-byte sequences (as
     * BinaryOutputArchive writes it), not one 4-byte sequence.
     */
    private static byte[] utf8(String s) {
        int n = s.length();
        int size = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            size += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        byte[] b = new byte[size];
        if (size == n) {
            s.getBytes(0, n, b, 0);   // ASCII: one byte per char
            return b;
        }
        int at = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xc0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            } else {
                b[at++] = (byte) (0xe0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return b;
    }
}
