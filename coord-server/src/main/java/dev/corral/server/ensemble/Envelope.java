package dev.corral.server.ensemble;

import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnCodec;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * A proposal's payload: the txn, and who asked for it — the server holding the client's connection answers it when
 * it commits. The leader stamps the time so every replica applies the same ctime and mtime.
 *
 * @param xid for a new session, the origin's token for the waiting connection
 */
record Envelope(int origin, long sessionId, int xid, int type, long time, Txn txn) {
    /** The bytes before the txn: origin, session, xid, type, time. */
    static final int HEADER = 4 + 8 + 4 + 4 + 8;

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(HEADER + TxnCodec.size(txn));
        out.putInt(origin).putLong(sessionId).putInt(xid).putInt(type).putLong(time);
        TxnCodec.write(out, txn);
        return out.array();
    }

    static Envelope decode(byte[] payload) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            int origin = in.getInt();
            long session = in.getLong();
            int xid = in.getInt();
            int type = in.getInt();
            long time = in.getLong();
            Txn txn = TxnCodec.read(in);
            if (in.hasRemaining()) {
                throw new IOException("trailing bytes after txn");
            }
            return new Envelope(origin, session, xid, type, time, txn);
        } catch (BufferUnderflowException e) {
            throw new IOException("truncated envelope", e);
        }
    }
}
