package dev.corral.server.replication;

import dev.corral.server.storage.Dirs;
import dev.corral.zab.Zxid;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The receiving end of one snapshot transfer on one inbound connection: writes the files under a fresh directory in
 * the inbox, checks each file's CRC32C and size, fsyncs files and directories, and hands the finished directory over.
 * Runs on the transport's I/O thread (the writes are plain file appends; snapshots are rare).
 */
final class SnapshotReceiver {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path dir;
    private final Zxid at;
    private final int expectedFiles;
    private final long expectedBytes;
    private int files;
    private long bytes;
    private FileChannel current;
    private Path currentPath;
    private long currentExpected;
    private long currentWritten;
    private final CRC32C crc = new CRC32C();

    private SnapshotReceiver(Path dir, Zxid at, int expectedFiles, long expectedBytes) {
        this.dir = dir;
        this.at = at;
        this.expectedFiles = expectedFiles;
        this.expectedBytes = expectedBytes;
    }

    /** Starts a transfer from a SNAP_BEGIN body. */
    static SnapshotReceiver begin(Path inbox, int from, ByteBuf body) throws IOException {
        Zxid at = new Zxid(body.readLong(), body.readLong());
        int files = body.readInt();
        long total = body.readLong();
        if (files < 0 || total < 0) {
            throw new IOException("bad snapshot header");
        }
        Path dir = inbox.resolve("snap-from" + from + "-" + at.epoch() + "_" + at.counter() + "-"
                + System.nanoTime() + "-" + SEQUENCE.incrementAndGet());
        Files.createDirectories(dir);
        return new SnapshotReceiver(dir, at, files, total);
    }

    Zxid at() {
        return at;
    }

    Path dir() {
        return dir;
    }

    void file(ByteBuf body) throws IOException {
        if (current != null || files >= expectedFiles) {
            throw new IOException("unexpected snapshot file header");
        }
        long size = body.readLong();
        int nameLength = body.readUnsignedShort();
        String name = body.readCharSequence(nameLength, StandardCharsets.UTF_8).toString();
        Path target = dir.resolve(name).normalize();
        if (size < 0 || name.isEmpty() || Path.of(name).isAbsolute() || !target.startsWith(dir) || target.equals(dir)) {
            throw new IOException("bad snapshot file name '" + name + "'");
        }
        Files.createDirectories(target.getParent());
        current = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        currentPath = target;
        currentExpected = size;
        currentWritten = 0;
        crc.reset();
    }

    void chunk(ByteBuf body) throws IOException {
        if (current == null) {
            throw new IOException("snapshot chunk outside a file");
        }
        int n = body.readableBytes();
        if (currentWritten + n > currentExpected) {
            throw new IOException("snapshot file " + currentPath.getFileName() + " longer than announced");
        }
        crc.update(body.nioBuffer());
        while (body.isReadable()) {
            body.readBytes(current, body.readableBytes());
        }
        currentWritten += n;
        bytes += n;
    }

    void fileEnd(ByteBuf body) throws IOException {
        if (current == null) {
            throw new IOException("snapshot file end outside a file");
        }
        int expectedCrc = body.readInt();
        if (currentWritten != currentExpected || (int) crc.getValue() != expectedCrc) {
            throw new IOException("snapshot file " + currentPath.getFileName() + " corrupt: " + currentWritten + "/"
                    + currentExpected + " bytes, crc " + Integer.toHexString((int) crc.getValue()) + " vs "
                    + Integer.toHexString(expectedCrc));
        }
        current.force(true);
        current.close();
        current = null;
        files++;
    }

    /** Checks the END frame against the header and makes the directory durable; returns it. */
    Path end(ByteBuf body) throws IOException {
        Zxid endAt = new Zxid(body.readLong(), body.readLong());
        if (!endAt.equals(at) || current != null || files != expectedFiles || bytes != expectedBytes) {
            throw new IOException("snapshot transfer ended inconsistently: " + files + "/" + expectedFiles
                    + " files, " + bytes + "/" + expectedBytes + " bytes, at " + endAt + " vs " + at);
        }
        try (var walk = Files.walk(dir)) {
            for (Path d : (Iterable<Path>) walk.filter(Files::isDirectory)::iterator) {
                fsyncDirectory(d);
            }
        }
        fsyncDirectory(dir.getParent());
        return dir;
    }

    /** Gives up a transfer the connection lost: deletes what was written. */
    void abort() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // deleting anyway
            }
            current = null;
        }
        Dirs.deleteQuietly(dir);
    }

    static void fsyncDirectory(Path d) throws IOException {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
