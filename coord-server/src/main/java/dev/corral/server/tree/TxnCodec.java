package dev.corral.server.tree;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** Encodes txns to bytes and back: the payload a txn travels in through replication and the log. */
public final class TxnCodec {
    private static final byte CREATE = 1;
    private static final byte DELETE = 2;
    private static final byte SET_DATA = 3;
    private static final byte SET_ACL = 4;
    private static final byte CHECK = 5;
    private static final byte MULTI = 6;
    private static final byte ERROR = 7;
    private static final byte CREATE_SESSION = 8;
    private static final byte CLOSE_SESSION = 9;

    private TxnCodec() {
    }

    public static byte[] encode(Txn txn) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, txn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes what {@link #encode} wrote; corrupt input raises IOException. */
    public static Txn decode(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Txn txn = read(in);
            if (in.available() > 0) {
                throw new IOException("trailing bytes after txn");
            }
            return txn;
        } catch (RuntimeException e) {
            throw new IOException("corrupt txn: " + e, e);
        }
    }

    private static void write(DataOutputStream out, Txn txn) throws IOException {
        if (txn instanceof Txn.Create c) {
            out.writeByte(CREATE);
            string(out, c.path());
            bytes(out, c.data());
            acl(out, c.acl());
            out.writeByte(c.kind().ordinal());
            out.writeLong(c.ephemeralOwner());
            out.writeLong(c.ttlMs());
        } else if (txn instanceof Txn.Delete d) {
            out.writeByte(DELETE);
            string(out, d.path());
        } else if (txn instanceof Txn.SetData s) {
            out.writeByte(SET_DATA);
            string(out, s.path());
            bytes(out, s.data());
        } else if (txn instanceof Txn.SetAcl s) {
            out.writeByte(SET_ACL);
            string(out, s.path());
            acl(out, s.acl());
        } else if (txn instanceof Txn.Check c) {
            out.writeByte(CHECK);
            string(out, c.path());
        } else if (txn instanceof Txn.Multi m) {
            out.writeByte(MULTI);
            out.writeInt(m.ops().size());
            for (Txn op : m.ops()) {
                write(out, op);
            }
        } else if (txn instanceof Txn.Error e) {
            out.writeByte(ERROR);
            out.writeInt(e.code());
        } else if (txn instanceof Txn.CreateSession s) {
            out.writeByte(CREATE_SESSION);
            out.writeLong(s.sessionId());
            bytes(out, s.password());
            out.writeInt(s.timeoutMs());
        } else if (txn instanceof Txn.CloseSession s) {
            out.writeByte(CLOSE_SESSION);
            out.writeLong(s.sessionId());
        } else {
            throw new IllegalArgumentException("unknown txn " + txn);
        }
    }

    private static Txn read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        return switch (type) {
            case CREATE -> {
                String path = string(in);
                byte[] data = bytes(in);
                List<ACL> acl = acl(in);
                NodeKind kind = NodeKind.ofOrdinal(in.readByte());
                yield new Txn.Create(path, data, acl, kind, in.readLong(), in.readLong());
            }
            case DELETE -> new Txn.Delete(string(in));
            case SET_DATA -> new Txn.SetData(string(in), bytes(in));
            case SET_ACL -> new Txn.SetAcl(string(in), acl(in));
            case CHECK -> new Txn.Check(string(in));
            case MULTI -> {
                int n = count(in);
                List<Txn> ops = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ops.add(read(in));
                }
                yield new Txn.Multi(ops);
            }
            case ERROR -> new Txn.Error(in.readInt());
            case CREATE_SESSION -> new Txn.CreateSession(in.readLong(), bytes(in), in.readInt());
            case CLOSE_SESSION -> new Txn.CloseSession(in.readLong());
            default -> throw new IOException("unknown txn type " + type);
        };
    }

    private static void acl(DataOutputStream out, List<ACL> acl) throws IOException {
        out.writeInt(acl.size());
        for (ACL a : acl) {
            out.writeInt(a.getPerms());
            string(out, a.getId().getScheme());
            string(out, a.getId().getId());
        }
    }

    private static List<ACL> acl(DataInputStream in) throws IOException {
        int n = count(in);
        List<ACL> acl = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int perms = in.readInt();
            acl.add(new ACL(perms, new Id(string(in), string(in))));
        }
        return acl;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(DataInputStream in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = count(in);
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
