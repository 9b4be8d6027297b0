package dev.corral.server.ensemble;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.Id;

/** What servers tell the leader: client writes to order, new sessions to create, sessions that are alive. */
sealed interface PeerFrame {
    byte FORWARD = 1;
    byte CONNECT = 2;
    byte TOUCH = 3;
    byte BATCH = 4;

    /** A client write, as its origin received it. */
    record Forward(int origin, long sessionId, int xid, int type, List<Id> authIds, byte[] body) implements PeerFrame {
    }

    /** A client asks for a new session; {@code token} finds its connection when the session commits. */
    record Connect(int origin, int token, int timeoutMs) implements PeerFrame {
    }

    /** Sessions that spoke to the sender since its last touch. */
    record Touch(List<Long> sessionIds) implements PeerFrame {
    }

    /** Several frames in one, in order: what a server forwards to the leader in one processing round. */
    record Batch(List<PeerFrame> frames) implements PeerFrame {
    }

    static byte[] encode(PeerFrame frame) {
        ByteBuffer out = ByteBuffer.allocate(size(frame));
        write(out, frame);
        return out.array();
    }

    private static int size(PeerFrame frame) {
        if (frame instanceof Forward f) {
            int n = 1 + 4 + 8 + 4 + 4 + 4 + 4 + f.body().length;
            for (Id id : f.authIds()) {
                n += string(id.getScheme()) + string(id.getId());
            }
            return n;
        } else if (frame instanceof Connect) {
            return 1 + 12;
        } else if (frame instanceof Touch t) {
            return 1 + 4 + 8 * t.sessionIds().size();
        } else if (frame instanceof Batch b) {
            int n = 1 + 4;
            for (PeerFrame inner : b.frames()) {
                n += size(inner);
            }
            return n;
        }
        throw new IllegalArgumentException("unknown frame " + frame);
    }

    private static void write(ByteBuffer out, PeerFrame frame) {
        if (frame instanceof Forward f) {
            out.put(FORWARD).putInt(f.origin()).putLong(f.sessionId()).putInt(f.xid()).putInt(f.type());
            out.putInt(f.authIds().size());
            for (Id id : f.authIds()) {
                string(out, id.getScheme());
                string(out, id.getId());
            }
            out.putInt(f.body().length).put(f.body());
        } else if (frame instanceof Connect c) {
            out.put(CONNECT).putInt(c.origin()).putInt(c.token()).putInt(c.timeoutMs());
        } else if (frame instanceof Touch t) {
            out.put(TOUCH).putInt(t.sessionIds().size());
            for (long id : t.sessionIds()) {
                out.putLong(id);
            }
        } else if (frame instanceof Batch b) {
            out.put(BATCH).putInt(b.frames().size());
            for (PeerFrame inner : b.frames()) {
                write(out, inner);
            }
        }
    }

    static PeerFrame decode(byte[] bytes) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            PeerFrame frame = read(in, true);
            if (in.hasRemaining()) {
                throw new IOException("trailing bytes after peer frame");
            }
            return frame;
        } catch (BufferUnderflowException e) {
            throw new IOException("truncated peer frame", e);
        }
    }

    private static PeerFrame read(ByteBuffer in, boolean outer) throws IOException {
        byte kind = in.get();
        switch (kind) {
            case FORWARD -> {
                int origin = in.getInt();
                long session = in.getLong();
                int xid = in.getInt();
                int type = in.getInt();
                int n = count(in, 2);
                List<Id> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(new Id(string(in), string(in)));
                }
                byte[] body = new byte[count(in, 1)];
                in.get(body);
                return new Forward(origin, session, xid, type, ids, body);
            }
            case CONNECT -> {
                return new Connect(in.getInt(), in.getInt(), in.getInt());
            }
            case TOUCH -> {
                int n = count(in, 8);
                List<Long> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(in.getLong());
                }
                return new Touch(ids);
            }
            case BATCH -> {
                if (!outer) {
                    throw new IOException("nested peer frame batch");
                }
                int n = count(in, 1);
                List<PeerFrame> frames = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    frames.add(read(in, false));
                }
                return new Batch(frames);
            }
            default -> throw new IOException("unknown peer frame " + kind);
        }
    }

    /** A count of items of at least {@code minBytes} each, checked against what is left. */
    private static int count(ByteBuffer in, int minBytes) throws IOException {
        int n = in.getInt();
        if (n < 0 || (long) n * minBytes > in.remaining()) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    private static int string(String s) {
        return 4 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void string(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(b.length).put(b);
    }

    private static String string(ByteBuffer in) throws IOException {
        byte[] b = new byte[count(in, 1)];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
