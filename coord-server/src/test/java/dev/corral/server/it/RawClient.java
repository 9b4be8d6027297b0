package dev.corral.server.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.RequestHeader;

/** A bare-socket ZooKeeper client for tests that need exact bytes or a client that falls silent. */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawClient(String connectString) throws IOException {
        String[] hp = connectString.split(":");
        socket = new Socket(hp[0], Integer.parseInt(hp[1]));
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** The body of a connect request, optionally without the trailing readOnly flag of 3.3+ clients. */
    static byte[] connectBody(long sessionId, byte[] passwd, int timeout, boolean withReadOnly) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(0);
        d.writeLong(0);
        d.writeInt(timeout);
        d.writeLong(sessionId);
        d.writeInt(passwd.length);
        d.write(passwd);
        if (withReadOnly) {
            d.writeBoolean(false);
        }
        return bytes.toByteArray();
    }

    static byte[] request(int xid, int type, Record body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive a = BinaryOutputArchive.getArchive(bytes);
        new RequestHeader(xid, type).serialize(a, "header");
        if (body != null) {
            body.serialize(a, "request");
        }
        return bytes.toByteArray();
    }

    void sendFrame(byte[] body) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame's body, or null if the server closed the connection. */
    byte[] readFrame() throws IOException {
        try {
            int len = in.readInt();
            byte[] body = new byte[len];
            in.readFully(body);
            return body;
        } catch (EOFException e) {
            return null;
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException) {
                throw e;
            }
            return null;
        }
    }

    /** True if the server closed the connection within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    void soTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
