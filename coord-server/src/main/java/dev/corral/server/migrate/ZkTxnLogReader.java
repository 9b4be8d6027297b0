package dev.corral.server.migrate;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CheckVersionTxn;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * Reads the txns of one ZooKeeper transaction log (FileTxnLog): the header ("ZKLG", version 2, dbid), then records of
 * {@code long Adler32, int length, length bytes (TxnHeader, the txn, 3.6+: its digest), byte 'B'}. As ZooKeeper's
 * FileTxnIterator does, the log ends at the first zero length (preallocated padding) and at a torn last record (end
 * of file inside it, or no 'B' after it); a record whose checksum does not match is an error naming the file.
 */
final class ZkTxnLogReader implements AutoCloseable {
    static final int LOG_MAGIC = 0x5a4b4c47; // "ZKLG"

    /** One txn: its header and its record (null for a closeSession written before 3.6, which had none). */
    record Entry(TxnHeader header, Record txn) {
    }

    private final Path file;
    private final InputStream in;
    private final BinaryInputArchive ia;
    private boolean ended;

    ZkTxnLogReader(Path file) throws IOException {
        this.file = file;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        this.ia = BinaryInputArchive.getArchive(in);
        try {
            ZkFileHeader.check(file, ia, LOG_MAGIC, "transaction log");
        } catch (EOFException e) {
            // ZooKeeper writes the header on the first txn: a log cut inside it holds nothing.
            ended = true;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** The next txn, or null at the end of the log (its real end, padding, or a torn last record). */
    Entry next() throws IOException {
        if (ended) {
            return null;
        }
        byte[] bytes;
        long crc;
        try {
            crc = ia.readLong("crcvalue");
            bytes = ia.readBuffer("txtEntry");
            if (bytes == null || bytes.length == 0) {
                ended = true;
                return null;
            }
            if (ia.readByte("EOF") != 'B') {
                ended = true;
                return null;
            }
        } catch (EOFException e) {
            ended = true;
            return null;
        } catch (IOException e) {
            throw new MigrationException(file, "damaged transaction log (" + e.getMessage() + ")", e);
        }
        Adler32 sum = new Adler32();
        sum.update(bytes, 0, bytes.length);
        if (sum.getValue() != crc) {
            throw new MigrationException(file, "transaction log record checksum mismatch (CRC check failed)");
        }
        try {
            return decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new MigrationException(file, "undecodable transaction (" + e + ")", e);
        }
    }

    /** TxnHeader then the record of its type (SerializeUtils.deserializeTxn); a trailing digest is left unread. */
    static Entry decode(byte[] bytes) throws IOException {
        BinaryInputArchive ia = BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes));
        TxnHeader header = new TxnHeader();
        header.deserialize(ia, "hdr");
        Record txn = recordFor(header.getType());
        if (txn != null) {
            try {
                txn.deserialize(ia, "txn");
            } catch (EOFException e) {
                if (header.getType() != ZkOps.CLOSE_SESSION) {
                    throw e;
                }
                txn = null;
            }
        }
        return new Entry(header, txn);
    }

    static Record recordFor(int type) throws IOException {
        return switch (type) {
            case ZkOps.CREATE_SESSION -> new CreateSessionTxn();
            case ZkOps.CLOSE_SESSION -> new CloseSessionTxn();
            case ZkOps.CREATE, ZkOps.CREATE2 -> new CreateTxn();
            case ZkOps.CREATE_TTL -> new CreateTTLTxn();
            case ZkOps.CREATE_CONTAINER -> new CreateContainerTxn();
            case ZkOps.DELETE, ZkOps.DELETE_CONTAINER -> new DeleteTxn();
            case ZkOps.SET_DATA, ZkOps.RECONFIG -> new SetDataTxn();
            case ZkOps.SET_ACL -> new SetACLTxn();
            case ZkOps.CHECK -> new CheckVersionTxn();
            case ZkOps.ERROR -> new ErrorTxn();
            case ZkOps.MULTI -> new MultiTxn();
            default -> throw new IOException("unsupported txn type " + type);
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
