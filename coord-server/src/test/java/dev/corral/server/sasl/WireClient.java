package dev.corral.server.sasl;

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
import java.util.HexFormat;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;

/** The ZooKeeper wire protocol by hand, to see exactly what a server answers (xid, zxid, error, body) and closes. */
final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    long sessionId;
    byte[] password;

    WireClient(String address) throws IOException {
        String[] hp = address.split(":");
        socket = new Socket();
        socket.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 5000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Opens a session (or resumes {@code sessionId}); returns the session id granted, 0 when refused. */
    long handshake(long resume, byte[] passwd) throws IOException {
        send(null, new ConnectRequest(0, 0, 30_000, resume, passwd == null ? new byte[16] : passwd, false));
        socket.setSoTimeout(10_000);
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        ByteBuffer b = ByteBuffer.wrap(body);
        b.getInt();
        b.getInt();
        sessionId = b.getLong();
        password = new byte[b.getInt()];
        b.get(password);
        return sessionId;
    }

    /** Sends a request: header (xid, opcode) then the record, if any. */
    void request(int xid, int type, Record record) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(8).putInt(xid).putInt(type);
        send(header.array(), record);
    }

    private void send(byte[] prefix, Record record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (prefix != null) {
            bytes.write(prefix);
        }
        if (record != null) {
            record.serialize(BinaryOutputArchive.getArchive(bytes), "");
        }
        byte[] body = bytes.toByteArray();
        socket.getOutputStream().write(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
        socket.getOutputStream().flush();
    }

    /**
     * The next reply as "xid=.. zxid=.. err=.. body=<hex>" ({@code bodyLength}: the body as its length only, for
     * tokens that differ run to run), or "closed", or "silent".
     */
    String next(boolean bodyLength) {
        try {
            socket.setSoTimeout(3000);
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            ByteBuffer b = ByteBuffer.wrap(body);
            int xid = b.getInt();
            long zxid = b.getLong();
            int err = b.getInt();
            byte[] rest = java.util.Arrays.copyOfRange(body, 16, body.length);
            return "xid=" + xid + " zxid=" + (xid == -2 ? "?" : zxid) + " err=" + err + " body="
                    + (bodyLength ? rest.length + " bytes" : HexFormat.of().formatHex(rest));
        } catch (SocketTimeoutException e) {
            return "silent";
        } catch (EOFException | SocketException e) {
            return "closed";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
