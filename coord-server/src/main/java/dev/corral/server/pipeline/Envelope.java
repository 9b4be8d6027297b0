package dev.corral.server.pipeline;

import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A proposal's payload: the txn, and who asked for it — the server holding the client's connection answers it when
 * it commits. The leader stamps the time so every replica applies the same ctime and mtime.
 *
 * @param xid for a new session, the origin's token for the waiting connection
 */
record Envelope(int origin, long sessionId, int xid, int type, long time, Txn txn) {

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(origin);
            out.writeLong(sessionId);
            out.writeInt(xid);
            out.writeInt(type);
            out.writeLong(time);
            out.write(TxnCodec.encode(txn));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Envelope decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int origin = in.readInt();
        long session = in.readLong();
        int xid = in.readInt();
        int type = in.readInt();
        long time = in.readLong();
        byte[] rest = in.readAllBytes();
        return new Envelope(origin, session, xid, type, time, TxnCodec.decode(rest));
    }
}
