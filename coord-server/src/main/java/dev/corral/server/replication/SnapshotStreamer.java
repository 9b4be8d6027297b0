package dev.corral.server.replication;

import dev.corral.zab.Zxid;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Sends one directory (a snapshot checkpoint) as a sequence of frames, read lazily from disk one chunk at a time so
 * that Netty's {@code ChunkedWriteHandler} paces it by the socket: BEGIN, then per file FILE, CHUNK..., FILE_END,
 * then END. Everything written to the channel after it is queued behind it, so the ZAB Snap message that follows
 * arrives after END.
 */
final class SnapshotStreamer implements ChunkedInput<ByteBuf> {

    private enum Step { BEGIN, FILE, CHUNKS, FILE_END, END, DONE }

    private final Zxid at;
    private final Path dir;
    private final List<Path> files;
    private final long totalBytes;
    private final int chunkBytes;
    private final Runnable whenDone;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Step step = Step.BEGIN;
    private int fileIndex;
    private FileChannel current;
    private long currentRemaining;
    private final CRC32C crc = new CRC32C();
    private long progress;

    SnapshotStreamer(Zxid at, Path dir, int chunkBytes, Runnable whenDone) throws IOException {
        this.at = at;
        this.dir = dir;
        this.chunkBytes = chunkBytes;
        this.whenDone = whenDone;
        List<Path> list = new ArrayList<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                list.add(p);
                total += Files.size(p);
            }
        }
        this.files = list;
        this.totalBytes = total;
    }

    long totalBytes() {
        return totalBytes;
    }

    int fileCount() {
        return files.size();
    }

    @Override
    public boolean isEndOfInput() {
        return step == Step.DONE;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeCurrent();
            whenDone.run();
        }
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator alloc) throws Exception {
        switch (step) {
            case BEGIN -> {
                step = files.isEmpty() ? Step.END : Step.FILE;
                return Frames.frame(alloc, FrameType.SNAP_BEGIN, 28, b -> b.writeLong(at.epoch())
                        .writeLong(at.counter()).writeInt(files.size()).writeLong(totalBytes));
            }
            case FILE -> {
                Path file = files.get(fileIndex);
                current = FileChannel.open(file, StandardOpenOption.READ);
                currentRemaining = current.size();
                crc.reset();
                byte[] name = dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8);
                step = currentRemaining > 0 ? Step.CHUNKS : Step.FILE_END;
                long size = currentRemaining;
                return Frames.frame(alloc, FrameType.SNAP_FILE, 10 + name.length,
                        b -> b.writeLong(size).writeShort(name.length).writeBytes(name));
            }
            case CHUNKS -> {
                int n = (int) Math.min(chunkBytes, currentRemaining);
                ByteBuf buf = alloc.buffer(5 + n);
                buf.writeInt(1 + n).writeByte(FrameType.SNAP_CHUNK);
                ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), n);
                int start = nio.position();
                while (nio.hasRemaining()) {
                    if (current.read(nio) < 0) {
                        buf.release();
                        throw new IOException("snapshot file shrank while being sent");
                    }
                }
                nio.position(start);
                crc.update(nio);
                buf.writerIndex(buf.writerIndex() + n);
                currentRemaining -= n;
                progress += n;
                if (currentRemaining == 0) {
                    step = Step.FILE_END;
                }
                return buf;
            }
            case FILE_END -> {
                closeCurrent();
                fileIndex++;
                step = fileIndex < files.size() ? Step.FILE : Step.END;
                int value = (int) crc.getValue();
                return Frames.frame(alloc, FrameType.SNAP_FILE_END, 4, b -> b.writeInt(value));
            }
            case END -> {
                step = Step.DONE;
                return Frames.frame(alloc, FrameType.SNAP_END, 16, b -> b.writeLong(at.epoch()).writeLong(at.counter()));
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public long length() {
        return totalBytes;
    }

    @Override
    public long progress() {
        return progress;
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // read-only; nothing to lose
            }
            current = null;
        }
    }
}
