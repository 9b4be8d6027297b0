package dev.corral.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads RocksDB write-ahead log files ({@code NNNNNN.log}) record by record to say where one is damaged. RocksDB's own
 * message for a damaged WAL ("Corruption: bad record length", "checksum mismatch") names neither the file nor the
 * offset, and an operator who is told a member refuses to start needs both.
 *
 * <p>The format is RocksDB's (db/log_format.h): 32 KiB blocks of records, each a 7-byte header (masked CRC32C of the
 * type byte and payload, little-endian length, type) or 11 bytes for the recyclable types (the CRC also covers the
 * 4-byte log number); fewer than a header's bytes left in a block are padding. A record cut short by the end of the
 * file is a torn tail (a crash during its write) and not damage: RocksDB's TolerateCorruptedTailRecords mode drops it.
 */
public final class WalCheck {

    static final int BLOCK = 32 * 1024;
    private static final int HEADER = 7;
    private static final int RECYCLABLE_HEADER = 11;
    private static final int MASK_DELTA = 0xa282ead8;

    /** Where a WAL file stops being readable. */
    public record Damage(Path file, long offset, String what) {
        @Override
        public String toString() {
            return file + " at offset " + offset + " (" + what + ")";
        }
    }

    private WalCheck() {
    }

    /** The first damaged record among the WAL files in {@code dir} (oldest file first), or null if all read whole. */
    public static Damage firstDamage(Path dir) throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(p -> p.getFileName().toString().matches("\\d+\\.log")).sorted().toList();
        }
        for (Path log : logs) {
            Damage d = check(log);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /** The first damaged record of one WAL file, or null if every complete record in it checks. */
    public static Damage check(Path log) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(log)).order(ByteOrder.LITTLE_ENDIAN);
        int limit = b.limit();
        int pos = 0;
        while (pos < limit) {
            int leftInBlock = BLOCK - pos % BLOCK;
            if (leftInBlock < HEADER) {
                pos += leftInBlock;                                   // block trailer
                continue;
            }
            if (limit - pos < HEADER) {
                return null;                                          // torn header at the end
            }
            int storedCrc = b.getInt(pos);
            int length = Short.toUnsignedInt(b.getShort(pos + 4));
            int type = Byte.toUnsignedInt(b.get(pos + 6));
            if (storedCrc == 0 && length == 0 && type == 0) {
                pos += leftInBlock;                                   // preallocated zeros: nothing more in this block
                continue;
            }
            int header = type >= 5 && type <= 8 || type == 11 ? RECYCLABLE_HEADER : HEADER;
            if (header + length > leftInBlock) {
                if (pos + header + length > limit && limit - pos < leftInBlock) {
                    return null;                                      // torn tail
                }
                return new Damage(log, pos, "bad record length " + length + " at block offset " + pos % BLOCK);
            }
            if (pos + header + length > limit) {
                return null;                                          // torn tail
            }
            CRC32C crc = new CRC32C();
            crc.update(b.array(), pos + 6, 1);
            if (header == RECYCLABLE_HEADER) {
                crc.update(b.array(), pos + 7, 4);
            }
            crc.update(b.array(), pos + header, length);
            if (mask((int) crc.getValue()) != storedCrc) {
                return new Damage(log, pos, "checksum mismatch in a record of " + length + " bytes");
            }
            pos += header + length;
        }
        return null;
    }

    /**
     * RocksDB's failure to open {@code dir}, said so that an operator can act: when RocksDB reports corruption, the
     * damaged WAL file and offset if {@link #firstDamage} finds one.
     */
    static String describeOpenFailure(Path dir, org.rocksdb.RocksDBException e) {
        org.rocksdb.Status status = e.getStatus();
        boolean corruption = status != null && status.getCode() == org.rocksdb.Status.Code.Corruption;
        if (!corruption) {
            return e.getMessage();
        }
        try {
            Damage d = firstDamage(dir);
            // Not the WAL: RocksDB's own message names what it found (a table file's magic number, a checksum...).
            return d != null ? "damaged write-ahead log " + d + ": " + e.getMessage()
                    : "damaged data files (its write-ahead log reads whole): " + e.getMessage();
        } catch (IOException io) {
            return e.getMessage() + " (and its WAL files could not be read: " + io + ")";
        }
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }
}
