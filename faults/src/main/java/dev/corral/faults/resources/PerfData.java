package dev.corral.faults.resources;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A JVM's hsperfdata counters ({@code /tmp/hsperfdata_<user>/<pid>}), read the way jstat reads them: jstat -gc
 * prints exactly these counters, but starting a jstat JVM for each member every few seconds costs a fifth of a CPU
 * second each time on a shared two-core machine, while reading the 32 KB file costs nothing. The file is the
 * member's own shared memory, so it is readable while the member runs in another network namespace (same pid and
 * mount namespace) and, unlike an attach, even while it is stopped (then the figures are stale: callers skip paused
 * members).
 */
public final class PerfData {
    private static final int MAGIC = 0xcafec0c0;

    private final Map<String, Long> longs;

    private PerfData(Map<String, Long> longs) {
        this.longs = longs;
    }

    /** The file of a JVM run by the same user as this one. */
    public static Path fileOf(long pid) {
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "hsperfdata_" + System.getProperty("user.name"),
                Long.toString(pid));
    }

    /** The long counters of the JVM {@code pid}, or empty when its file is missing or not (yet) readable. */
    public static Optional<PerfData> read(long pid) {
        Path f = fileOf(pid);
        try {
            return parse(ByteBuffer.wrap(Files.readAllBytes(f)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The prologue (magic, byte order, version, accessible, used, overflow, mod time, entry offset, entry count), then
     * entries (length, name offset, vector length, type, flags, units, variability, data offset), as in HotSpot's
     * perfMemory.hpp. Only scalar longs ('J') are kept: every GC size is one.
     */
    static Optional<PerfData> parse(ByteBuffer b) {
        if (b.limit() < 32 || b.getInt(0) != MAGIC) {
            return Optional.empty();
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (b.get(7) == 0) {
            return Optional.empty();   // not accessible yet: the JVM is still starting
        }
        int offset = b.getInt(24);
        int entries = b.getInt(28);
        Map<String, Long> longs = new HashMap<>();
        for (int i = 0; i < entries && offset + 20 <= b.limit(); i++) {
            int length = b.getInt(offset);
            if (length <= 0) {
                break;
            }
            int nameOffset = b.getInt(offset + 4);
            int vector = b.getInt(offset + 8);
            byte type = b.get(offset + 12);
            int dataOffset = b.getInt(offset + 16);
            if (vector == 0 && type == 'J') {
                longs.put(name(b, offset + nameOffset), b.getLong(offset + dataOffset));
            }
            offset += length;
        }
        return Optional.of(new PerfData(longs));
    }

    private static String name(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** A counter, or -1 when the JVM has none of that name. */
    public long get(String name) {
        return longs.getOrDefault(name, -1L);
    }

    /** Heap used in KB, as jstat -gc's S0U+S1U+EU+OU. */
    public long heapUsedKb() {
        return (get("sun.gc.generation.0.space.0.used") + get("sun.gc.generation.0.space.1.used")
                + get("sun.gc.generation.0.space.2.used") + get("sun.gc.generation.1.space.0.used")) / 1024;
    }

    /** Old generation used in KB, as jstat -gc's OU. */
    public long oldUsedKb() {
        return get("sun.gc.generation.1.space.0.used") / 1024;
    }
}
