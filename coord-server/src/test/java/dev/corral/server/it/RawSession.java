package dev.corral.server.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A session spoken byte by byte on {@link RawClient}, for requests the stock client never sends: a create with any
 * opcode and flags pair (the stock client derives the opcode from the flags), inside a multi too, and a session that
 * is dropped without a closeSession so that it expires.
 */
final class RawSession implements AutoCloseable {
    private static final int NOTIFICATION_XID = -1;
    private static final int CLOSE_SESSION = -11;

    private final RawClient raw;
    private final long sessionId;
    private int xid = 1;

    /** Opens a session on the first server of {@code connectString}. */
    RawSession(String connectString, int timeoutMs) throws IOException {
        raw = new RawClient(connectString.split(",")[0]);
        raw.sendFrame(RawClient.connectBody(0, new byte[16], timeoutMs, true));
        byte[] reply = raw.readFrame();
        if (reply == null) {
            throw new IOException("handshake refused by " + connectString);
        }
        ConnectResponse r = new ConnectResponse();
        r.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(reply)), "connect");
        sessionId = r.getSessionId();
    }

    long sessionId() {
        return sessionId;
    }

    /** A create with this exact opcode and flags: "path stat" or "ERR code"; stats through {@code transcript}. */
    String create(Transcript transcript, int opcode, String path, byte[] data, int flags) throws IOException {
        Reply r = call(opcode, serialize(new CreateRequest(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, flags)));
        if (r.err != 0) {
            return error(r.err);
        }
        if (opcode == ZooDefs.OpCode.create) {
            CreateResponse c = new CreateResponse();
            c.deserialize(r.body, "response");
            return c.getPath();
        }
        Create2Response c = new Create2Response();
        c.deserialize(r.body, "response");
        return c.getPath() + " " + transcript.stat(c.getStat());
    }

    /** One create op of a multi: its header opcode, its path and flags (no data). */
    record CreateOp(int opcode, String path, int flags) {
    }

    /** A multi of creates with these exact header opcodes: each op's result type and outcome, or "ERR code". */
    String multi(Transcript transcript, List<CreateOp> ops) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
        for (CreateOp op : ops) {
            new org.apache.zookeeper.proto.MultiHeader(op.opcode(), false, -1).serialize(out, "header");
            new CreateRequest(op.path(), null, ZooDefs.Ids.OPEN_ACL_UNSAFE, op.flags()).serialize(out, "request");
        }
        new org.apache.zookeeper.proto.MultiHeader(-1, true, -1).serialize(out, "header");
        Reply r = call(ZooDefs.OpCode.multi, bytes.toByteArray());
        if (r.err != 0) {
            return error(r.err);
        }
        List<String> results = new ArrayList<>();
        org.apache.zookeeper.proto.MultiHeader h = new org.apache.zookeeper.proto.MultiHeader();
        h.deserialize(r.body, "header");
        while (!h.getDone()) {
            Record body = switch (h.getType()) {
                case ZooDefs.OpCode.create -> new CreateResponse();
                case ZooDefs.OpCode.create2 -> new Create2Response();
                case ZooDefs.OpCode.error -> new ErrorResponse();
                default -> throw new IOException("unexpected result type " + h.getType());
            };
            body.deserialize(r.body, "response");
            results.add(h.getType() + ":" + (body instanceof CreateResponse c ? c.getPath()
                    : body instanceof Create2Response c2 ? c2.getPath() + " " + transcript.stat(c2.getStat())
                    : error(((ErrorResponse) body).getErr())));
            h.deserialize(r.body, "header");
        }
        return results.toString();
    }

    /** Drops the connection without closing the session: the server expires it after its timeout. */
    void abandon() throws IOException {
        raw.close();
    }

    /** Closes the session (closeSession, as a stock client's close does), then the connection. */
    @Override
    public void close() throws IOException {
        try {
            call(CLOSE_SESSION, new byte[0]);
        } catch (IOException e) {
            // abandoned or already closed by the server: nothing left to close
        } finally {
            raw.close();
        }
    }

    private record Reply(int err, BinaryInputArchive body) {
    }

    private Reply call(int type, byte[] body) throws IOException {
        int mine = xid++;
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        new RequestHeader(mine, type).serialize(BinaryOutputArchive.getArchive(frame), "header");
        frame.write(body);
        raw.sendFrame(frame.toByteArray());
        while (true) {
            byte[] reply = raw.readFrame();
            if (reply == null) {
                throw new IOException("connection closed by the server");
            }
            BinaryInputArchive in = BinaryInputArchive.getArchive(new ByteArrayInputStream(reply));
            ReplyHeader h = new ReplyHeader();
            h.deserialize(in, "header");
            if (h.getXid() == NOTIFICATION_XID) {
                continue;
            }
            if (h.getXid() != mine) {
                throw new IOException("reply to xid " + h.getXid() + ", expected " + mine);
            }
            return new Reply(h.getErr(), in);
        }
    }

    private static byte[] serialize(Record record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        record.serialize(BinaryOutputArchive.getArchive(bytes), "request");
        return bytes.toByteArray();
    }

    private static String error(int err) {
        return "ERR " + KeeperException.Code.get(err);
    }
}
