package dev.corral.mesos.scheduler;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Mesos RecordIO framing (docs: "RecordIO Format" in the scheduler HTTP API): each record is its length in bytes as
 * ASCII decimal, a line feed, then exactly that many bytes. Used both ways: the test master writes it, the client
 * reads it.
 */
public final class RecordIo {

    /** A record larger than this is taken as a corrupt stream rather than allocated. */
    public static final int MAX_RECORD = 64 * 1024 * 1024;

    private RecordIo() {}

    public static byte[] frame(byte[] record) {
        byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[header.length + record.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(record, 0, out, header.length, record.length);
        return out;
    }

    /** Reads records one at a time from a stream; blocking. */
    public static final class Reader {
        private final InputStream in;

        public Reader(InputStream in) {
            this.in = in;
        }

        /** The next record, or empty at a clean end of stream (between records). */
        public Optional<byte[]> next() throws IOException {
            long length = 0;
            int digits = 0;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    if (digits == 0) {
                        return Optional.empty();
                    }
                    throw new EOFException("Stream ended inside a RecordIO header");
                }
                if (c == '\n') {
                    break;
                }
                if (c < '0' || c > '9' || ++digits > 10) {
                    throw new IOException("Bad RecordIO header byte " + c);
                }
                length = length * 10 + (c - '0');
            }
            if (digits == 0 || length > MAX_RECORD) {
                throw new IOException("Bad RecordIO record length " + length);
            }
            byte[] record = in.readNBytes((int) length);
            if (record.length != length) {
                throw new EOFException("Stream ended inside a RecordIO record");
            }
            return Optional.of(record);
        }
    }

    /** Concatenated frames, for tests and for writing several records at once. */
    public static byte[] frames(byte[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(frame(r));
        }
        return out.toByteArray();
    }
}
