package dev.corral.server.tree;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Encodes txns to bytes and back: the payload a txn travels in through replication and the log. Every txn is
 * encoded on the leader and decoded on every server, so both work on a {@link ByteBuffer} of the exact size (no
 * stream layers, no regrown buffers): {@link #size} first, then {@link #write}.
 */
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
    /** The type byte of a reconfig txn (public: a payload's config decoder looks for it without decoding the rest). */
    public static final byte RECONFIG = 10;
    /** The length that stands for null data. */
    private static final int NULL_LENGTH = -1;

    private TxnCodec() {
    }

    public static byte[] encode(Txn txn) {
        ByteBuffer out = ByteBuffer.allocate(size(txn));
        write(out, txn);
        return out.array();
    }

    /** Decodes what {@link #encode} wrote; corrupt input raises IOException. */
    public static Txn decode(byte[] bytes) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Txn txn = read(in);
        if (in.hasRemaining()) {
            throw new IOException("trailing bytes after txn");
        }
        return txn;
    }

    /** The exact number of bytes {@link #write} takes for {@code txn}. */
    public static int size(Txn txn) {
        if (txn instanceof Txn.Create c) {
            return 1 + string(c.path()) + data(c.data()) + acl(c.acl()) + 1 + 8 + 8;
        } else if (txn instanceof Txn.Delete d) {
            return 1 + string(d.path());
        } else if (txn instanceof Txn.SetData s) {
            return 1 + string(s.path()) + data(s.data());
        } else if (txn instanceof Txn.SetAcl s) {
            return 1 + string(s.path()) + acl(s.acl());
        } else if (txn instanceof Txn.Check c) {
            return 1 + string(c.path());
        } else if (txn instanceof Txn.Multi m) {
            int n = 1 + 4;
            for (Txn op : m.ops()) {
                n += size(op);
            }
            return n;
        } else if (txn instanceof Txn.Error) {
            return 1 + 4;
        } else if (txn instanceof Txn.CreateSession s) {
            return 1 + 8 + 4 + s.password().length + 4;
        } else if (txn instanceof Txn.CloseSession) {
            return 1 + 8;
        } else if (txn instanceof Txn.Reconfig r) {
            return 1 + 8 + 4 + r.serverLines().getBytes(StandardCharsets.UTF_8).length;
        }
        throw new IllegalArgumentException("unknown txn " + txn);
    }

    /** Writes {@code txn} at the buffer's position; it must have {@link #size} bytes left. */
    public static void write(ByteBuffer out, Txn txn) {
        if (txn instanceof Txn.Create c) {
            out.put(CREATE);
            string(out, c.path());
            data(out, c.data());
            acl(out, c.acl());
            out.put((byte) c.kind().ordinal());
            out.putLong(c.ephemeralOwner());
            out.putLong(c.ttlMs());
        } else if (txn instanceof Txn.Delete d) {
            out.put(DELETE);
            string(out, d.path());
        } else if (txn instanceof Txn.SetData s) {
            out.put(SET_DATA);
            string(out, s.path());
            data(out, s.data());
        } else if (txn instanceof Txn.SetAcl s) {
            out.put(SET_ACL);
            string(out, s.path());
            acl(out, s.acl());
        } else if (txn instanceof Txn.Check c) {
            out.put(CHECK);
            string(out, c.path());
        } else if (txn instanceof Txn.Multi m) {
            out.put(MULTI);
            out.putInt(m.ops().size());
            for (Txn op : m.ops()) {
                write(out, op);
            }
        } else if (txn instanceof Txn.Error e) {
            out.put(ERROR);
            out.putInt(e.code());
        } else if (txn instanceof Txn.CreateSession s) {
            out.put(CREATE_SESSION);
            out.putLong(s.sessionId());
            bytes(out, s.password());
            out.putInt(s.timeoutMs());
        } else if (txn instanceof Txn.CloseSession s) {
            out.put(CLOSE_SESSION);
            out.putLong(s.sessionId());
        } else if (txn instanceof Txn.Reconfig r) {
            out.put(RECONFIG);
            out.putLong(r.version());
            bytes(out, r.serverLines().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException("unknown txn " + txn);
        }
    }

    /** Reads one txn at the buffer's position (trailing bytes are the caller's business). */
    public static Txn read(ByteBuffer in) throws IOException {
        try {
            return readTxn(in);
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException("corrupt txn: " + e, e);
        }
    }

    private static Txn readTxn(ByteBuffer in) throws IOException {
        byte type = in.get();
        return switch (type) {
            case CREATE -> {
                String path = string(in);
                byte[] data = data(in);
                List<ACL> acl = acl(in);
                NodeKind kind = NodeKind.ofOrdinal(in.get());
                yield new Txn.Create(path, data, acl, kind, in.getLong(), in.getLong());
            }
            case DELETE -> new Txn.Delete(string(in));
            case SET_DATA -> new Txn.SetData(string(in), data(in));
            case SET_ACL -> new Txn.SetAcl(string(in), acl(in));
            case CHECK -> new Txn.Check(string(in));
            case MULTI -> {
                int n = count(in);
                List<Txn> ops = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ops.add(readTxn(in));
                }
                yield new Txn.Multi(ops);
            }
            case ERROR -> new Txn.Error(in.getInt());
            case CREATE_SESSION -> new Txn.CreateSession(in.getLong(), bytes(in), in.getInt());
            case CLOSE_SESSION -> new Txn.CloseSession(in.getLong());
            case RECONFIG -> new Txn.Reconfig(in.getLong(), new String(bytes(in), StandardCharsets.UTF_8));
            default -> throw new IOException("unknown txn type " + type);
        };
    }

    private static int acl(List<ACL> acl) {
        int n = 4;
        for (ACL a : acl) {
            n += 4 + string(a.getId().getScheme()) + string(a.getId().getId());
        }
        return n;
    }

    private static void acl(ByteBuffer out, List<ACL> acl) {
        out.putInt(acl.size());
        for (ACL a : acl) {
            out.putInt(a.getPerms());
            string(out, a.getId().getScheme());
            string(out, a.getId().getId());
        }
    }

    private static List<ACL> acl(ByteBuffer in) throws IOException {
        int n = count(in);
        List<ACL> acl = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int perms = in.getInt();
            acl.add(new ACL(perms, new Id(string(in), string(in))));
        }
        return acl;
    }

    private static int count(ByteBuffer in) throws IOException {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    /** Encoded size of a string: paths are ASCII in practice, so the common case needs no encoding pass. */
    private static int string(String s) {
        return 4 + utf8Length(s);
    }

    private static void string(ByteBuffer out, String s) {
        int n = s.length();
        if (utf8Length(s) == n) {
            out.putInt(n);
            for (int i = 0; i < n; i++) {
                out.put((byte) s.charAt(i));
            }
        } else {
            bytes(out, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }

    private static String string(ByteBuffer in) throws IOException {
        int n = count(in);
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static void bytes(ByteBuffer out, byte[] b) {
        out.putInt(b.length);
        out.put(b);
    }

    /**
     * Node data, which may be null: written as length -1, like a jute buffer. Logs written before null data was kept
     * have no -1 lengths, so they decode as before; a build from before cannot read a txn carrying null data.
     */
    private static int data(byte[] b) {
        return 4 + (b == null ? 0 : b.length);
    }

    private static void data(ByteBuffer out, byte[] b) {
        if (b == null) {
            out.putInt(NULL_LENGTH);
        } else {
            bytes(out, b);
        }
    }

    private static byte[] data(ByteBuffer in) throws IOException {
        if (in.getInt(in.position()) == NULL_LENGTH) {
            in.getInt();
            return null;
        }
        return bytes(in);
    }

    private static byte[] bytes(ByteBuffer in) throws IOException {
        byte[] b = new byte[count(in)];
        in.get(b);
        return b;
    }
}
