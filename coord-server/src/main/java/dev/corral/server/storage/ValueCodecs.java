package dev.corral.server.storage;

import dev.corral.server.tree.SessionRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** Value layouts of the ACL and session column families. */
final class ValueCodecs {

    private static final byte ACL_VERSION_1 = 1;
    private static final byte SESSION_VERSION_1 = 1;

    private ValueCodecs() {
    }

    /** Version byte, then the Jute encoding of vector&lt;ACL&gt; (int count, then each ACL record). */
    static byte[] encodeAcl(List<ACL> acl) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 32 * acl.size());
            out.write(ACL_VERSION_1);
            BinaryOutputArchive archive = BinaryOutputArchive.getArchive(out);
            archive.startVector(acl, "acl");
            for (ACL entry : acl) {
                archive.writeRecord(entry, "aclEntry");
            }
            archive.endVector(acl, "acl");
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a ByteArrayOutputStream does not fail
        }
    }

    static List<ACL> decodeAcl(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != ACL_VERSION_1) {
            throw new StoreException("unknown ACL layout version");
        }
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes, 1, bytes.length - 1);
            BinaryInputArchive archive = BinaryInputArchive.getArchive(in);
            int count = archive.readInt("acl");
            if (count < 0 || count > bytes.length) {
                throw new StoreException("corrupt ACL list: count " + count);
            }
            List<ACL> acl = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ACL entry = new ACL();
                archive.readRecord(entry, "aclEntry");
                acl.add(entry);
            }
            return List.copyOf(acl);
        } catch (IOException e) {
            throw new StoreException("corrupt ACL list", e);
        }
    }

    /** A deep copy, so that callers mutating their ACL objects cannot change an interned list. */
    static List<ACL> copyAcl(List<ACL> acl) {
        List<ACL> copy = new ArrayList<>(acl.size());
        for (ACL entry : acl) {
            Id id = entry.getId();
            copy.add(new ACL(entry.getPerms(), id == null ? null : new Id(id.getScheme(), id.getId())));
        }
        return List.copyOf(copy);
    }

    /** Version byte, 4-byte timeout, then the password bytes (the rest of the value). */
    static byte[] encodeSession(SessionRecord s) {
        byte[] password = s.password() == null ? new byte[0] : s.password();
        return ByteBuffer.allocate(5 + password.length)
                .put(SESSION_VERSION_1)
                .putInt(s.timeoutMs())
                .put(password)
                .array();
    }

    static SessionRecord decodeSession(long sessionId, byte[] bytes) {
        if (bytes.length < 5 || bytes[0] != SESSION_VERSION_1) {
            throw new StoreException("corrupt session record for session 0x" + Long.toHexString(sessionId));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        int timeout = b.getInt();
        byte[] password = new byte[b.remaining()];
        b.get(password);
        return new SessionRecord(sessionId, password, timeout);
    }
}
