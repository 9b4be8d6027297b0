package dev.corral.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;

/** A client that speaks the ZooKeeper wire protocol byte by byte, so tests can send what no real client would. */
final class RawClient implements AutoCloseable {
    /** What a server did after some input: replied, closed the connection, or said nothing in time. */
    sealed interface Outcome permits Reply, Closed, Silent {
    }

    record Reply(int xid, long zxid, int err, byte[] body) implements Outcome {
        @Override
        public String toString() {
            return "Reply[xid=" + xid + ", err=" + err + "]";
        }

        /** Same as {@code other} for comparing servers: xid and error code (zxids differ between servers). */
        boolean sameAs(Outcome other) {
            return other instanceof Reply r && r.xid == xid && r.err == err;
        }
    }

    record Closed() implements Outcome {
    }

    record Silent() implements Outcome {
    }

    static final int PING = 11;
    static final int NOTIFICATION_XID = -1;

    private final Socket socket;
    private final DataInputStream in;

    RawClient(String connectString) {
        String[] hp = connectString.split(":");
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoLinger(true, 0);
            in = new DataInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + connectString, e);
        }
    }

    /** A ConnectRequest frame body as the 3.9 Java client sends it (with the readOnly flag). */
    static byte[] connectBody(long sessionId, int timeoutMs) {
        return serialize(new ConnectRequest(0, 0, timeoutMs, sessionId, new byte[16], false));
    }

    /** A request body: xid, opcode, then the record (if any). */
    static byte[] requestBody(int xid, int type, Record record) {
        byte[] rec = record == null ? new byte[0] : serialize(record);
        return ByteBuffer.allocate(8 + rec.length).putInt(xid).putInt(type).put(rec).array();
    }

    static byte[] serialize(Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            record.serialize(BinaryOutputArchive.getArchive(bytes), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The body with a 4-byte big-endian length in front. */
    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Sends a valid handshake and reads the answer; fails unless a session was granted. */
    ConnectResponse handshake(int timeoutMs) throws IOException {
        sendFrame(connectBody(0, timeoutMs));
        socket.setSoTimeout(10_000);
        int len = in.readInt();
        byte[] body = new byte[len];
        in.readFully(body);
        ByteBuffer b = ByteBuffer.wrap(body);
        ConnectResponse r = new ConnectResponse();
        r.setProtocolVersion(b.getInt());
        r.setTimeOut(b.getInt());
        r.setSessionId(b.getLong());
        if (r.getSessionId() == 0) {
            throw new IOException("handshake refused");
        }
        return r;
    }

    void sendFrame(byte[] body) throws IOException {
        sendRaw(frame(body));
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Sends without failing when the server has already closed the connection. */
    boolean trySendRaw(byte[] bytes) {
        try {
            sendRaw(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The next reply other than a watch notification, a close, or silence for {@code waitMs}. */
    Outcome next(int waitMs) {
        long deadline = System.currentTimeMillis() + waitMs;
        try {
            while (true) {
                int left = (int) Math.max(1, deadline - System.currentTimeMillis());
                socket.setSoTimeout(left);
                int len = in.readInt();
                if (len < 16 || len > 16 << 20) {
                    throw new IOException("implausible reply length " + len);
                }
                byte[] body = new byte[len];
                in.readFully(body);
                ByteBuffer b = ByteBuffer.wrap(body);
                Reply r = new Reply(b.getInt(), b.getLong(), b.getInt(), java.util.Arrays.copyOfRange(body, 16, len));
                if (r.xid() != NOTIFICATION_XID) {
                    return r;
                }
            }
        } catch (SocketTimeoutException e) {
            return new Silent();
        } catch (EOFException | SocketException e) {
            return new Closed();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closes the connection within {@code waitMs}, skipping any replies before that. */
    boolean closedWithin(int waitMs) {
        long deadline = System.currentTimeMillis() + waitMs;
        while (System.currentTimeMillis() < deadline) {
            Outcome o = next((int) Math.max(1, deadline - System.currentTimeMillis()));
            if (o instanceof Closed) {
                return true;
            }
            if (o instanceof Silent) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
