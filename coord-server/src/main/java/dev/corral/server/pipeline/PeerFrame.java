package dev.corral.server.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.Id;

/** What servers tell the leader: client writes to order, new sessions to create, sessions that are alive. */
sealed interface PeerFrame {
    byte FORWARD = 1;
    byte CONNECT = 2;
    byte TOUCH = 3;

    /** A client write, as its origin received it. */
    record Forward(int origin, long sessionId, int xid, int type, List<Id> authIds, byte[] body) implements PeerFrame {
    }

    /** A client asks for a new session; {@code token} finds its connection when the session commits. */
    record Connect(int origin, int token, int timeoutMs) implements PeerFrame {
    }

    /** Sessions that spoke to the sender since its last touch. */
    record Touch(List<Long> sessionIds) implements PeerFrame {
    }

    static byte[] encode(PeerFrame frame) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (frame instanceof Forward f) {
                out.writeByte(FORWARD);
                out.writeInt(f.origin());
                out.writeLong(f.sessionId());
                out.writeInt(f.xid());
                out.writeInt(f.type());
                out.writeInt(f.authIds().size());
                for (Id id : f.authIds()) {
                    out.writeUTF(id.getScheme());
                    out.writeUTF(id.getId());
                }
                out.writeInt(f.body().length);
                out.write(f.body());
            } else if (frame instanceof Connect c) {
                out.writeByte(CONNECT);
                out.writeInt(c.origin());
                out.writeInt(c.token());
                out.writeInt(c.timeoutMs());
            } else if (frame instanceof Touch t) {
                out.writeByte(TOUCH);
                out.writeInt(t.sessionIds().size());
                for (long id : t.sessionIds()) {
                    out.writeLong(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PeerFrame decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte kind = in.readByte();
        switch (kind) {
            case FORWARD -> {
                int origin = in.readInt();
                long session = in.readLong();
                int xid = in.readInt();
                int type = in.readInt();
                int n = in.readInt();
                List<Id> ids = new ArrayList<>(Math.max(0, Math.min(n, 16)));
                for (int i = 0; i < n; i++) {
                    ids.add(new Id(in.readUTF(), in.readUTF()));
                }
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                return new Forward(origin, session, xid, type, ids, body);
            }
            case CONNECT -> {
                return new Connect(in.readInt(), in.readInt(), in.readInt());
            }
            case TOUCH -> {
                int n = in.readInt();
                List<Long> ids = new ArrayList<>(Math.max(0, Math.min(n, 1024)));
                for (int i = 0; i < n; i++) {
                    ids.add(in.readLong());
                }
                return new Touch(ids);
            }
            default -> throw new IOException("unknown peer frame " + kind + " (" + new String(bytes, 0,
                    Math.min(bytes.length, 8), StandardCharsets.ISO_8859_1) + ")");
        }
    }
}
