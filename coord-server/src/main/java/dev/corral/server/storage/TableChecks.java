package dev.corral.server.storage;

import dev.corral.server.lifecycle.FatalStop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every block checksum of a store's table files, each file once: a record beside them ({@value #RECORD}) names
 * the files checked whole, with their size and modification time, and a file is checked again only if either changed.
 * RocksDB reads a data block only when a lookup needs it, so a damaged file would open cleanly and stop the server at
 * the first read that reaches the block (issue 16's corrupt-tree finding); an open checks what the record does not
 * vouch for and refuses to start, naming the file. Checking every file at every open cost a follower's restart about
 * a second per 500 MB of tree (docs/decisions.md, "Restart to serving"), so a background checker also checks the files
 * that flushes and compactions write while the store runs, and an open after a crash finds little left to check.
 *
 * <p>What the record cannot see: a file whose bytes change on the disk without a write through the file system (its
 * modification time stays). Such damage is still caught by the checksum at the read that reaches it, as before this
 * check existed: the server stops there, naming the file, and never serves the damaged data. Any write to a file
 * (the fault campaign's corruptors, a stray {@code dd}) moves its modification time past the record's.
 */
final class TableChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TableChecks.class);

    static final String RECORD = "CORRAL-CHECKED-TABLES";
    /**
     * A file is recorded only once its modification time is this much older than the check that read it: the file
     * system's clock may be coarse, and a write soon after the check must not keep the time the record holds.
     */
    static final long SETTLED_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BACKGROUND_PERIOD_MS = 2_000;

    /** What the record holds of one file. */
    record Stamp(long size, long modifiedNanos) {
        static Stamp of(Path file) throws IOException {
            return new Stamp(Files.size(file), Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
        }
    }

    private final Path dir;
    private final Supplier<List<String>> liveTables;
    private final Map<String, Stamp> checked;
    private final Thread background;
    private volatile boolean closed;

    private TableChecks(Path dir, Supplier<List<String>> liveTables, Map<String, Stamp> checked) {
        this.dir = dir;
        this.liveTables = liveTables;
        this.checked = checked;
        this.background = new Thread(this::runBackground, "corral-table-check");
        background.setDaemon(true);
        background.setPriority(Thread.MIN_PRIORITY);
    }

    /**
     * Checks the live table files ({@code liveTables}: names relative to {@code dir}) that the record does not vouch
     * for, records them, and starts checking new ones in the background.
     *
     * @throws StoreException naming the file, if one is damaged: the server refuses to start
     */
    static TableChecks open(Path dir, Supplier<List<String>> liveTables) {
        long start = System.nanoTime();
        TableChecks checks = new TableChecks(dir, liveTables, read(dir));
        int[] counts = checks.checkAll(true);
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.info("Checked {} table files of {} in {} ms ({} unchanged since checked before)", counts[0], dir, ms,
                counts[1]);
        checks.background.start();
        return checks;
    }

    /** Stops the background checker (before the database closes). */
    @Override
    public void close() {
        closed = true;
        background.interrupt();
        try {
            background.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Checks the live files the record does not vouch for; {@code all}: also those written less than
     * {@link #SETTLED_NANOS} ago (at open), else they wait for a later round. Returns {checked, skipped}.
     */
    private int[] checkAll(boolean all) {
        long start = System.currentTimeMillis() * 1_000_000L;
        int checkedNow = 0;
        int skipped = 0;
        boolean changed = false;
        Map<String, Stamp> live = new HashMap<>();
        for (String name : liveTables.get()) {
            if (closed) {
                return new int[] {checkedNow, skipped};
            }
            Path file = dir.resolve(name);
            Stamp stamp;
            try {
                stamp = Stamp.of(file);
            } catch (NoSuchFileException e) {
                continue;                                   // compacted away since the listing
            } catch (IOException e) {
                throw new StoreException("store at " + dir + ": cannot read " + file + ": " + e, e);
            }
            boolean settled = start - stamp.modifiedNanos() >= SETTLED_NANOS;
            if (stamp.equals(checked.get(name))) {
                skipped++;
                live.put(name, stamp);
                continue;
            }
            if (!all && !settled) {
                continue;
            }
            if (!verify(file)) {
                continue;                                   // gone while being read
            }
            checkedNow++;
            if (settled) {
                live.put(name, stamp);
                changed = true;
            }
        }
        if (changed || live.size() != checked.size()) {
            checked.clear();
            checked.putAll(live);
            write(dir, checked);
        }
        return new int[] {checkedNow, skipped};
    }

    /** False if the file was deleted before it could be read (a compaction's input). */
    private boolean verify(Path file) {
        try (Options options = new Options(); SstFileReader reader = new SstFileReader(options)) {
            if (!Files.exists(file)) {
                return false;
            }
            reader.open(file.toString());
            reader.verifyChecksum();
            return true;
        } catch (RocksDBException e) {
            if (!Files.exists(file)) {
                return false;
            }
            throw new StoreException("store at " + dir + " is damaged (" + file + ": " + e.getMessage()
                    + "); the server refuses to start: recover this member as docs/operations.md says", e);
        }
    }

    private void runBackground() {
        while (!closed) {
            try {
                Thread.sleep(BACKGROUND_PERIOD_MS);
                checkAll(false);
            } catch (InterruptedException e) {
                return;
            } catch (StoreException e) {
                if (closed) {
                    return;
                }
                // Not recorded, so the next start checks the file again and refuses it.
                String message = e.getMessage().replace("the server refuses to start", "found while running");
                if (FatalStop.armed()) {
                    FatalStop.halt(message, null);
                }
                LOG.error(message);
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("table check of {} stopped: {}", dir, e.toString());
                }
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- record

    /**
     * The record: a line per file ({@code name size modifiedNanos}) and a last line with the CRC32C of those before
     * it. One that does not read whole vouches for nothing: every file is checked again.
     */
    static Map<String, Stamp> read(Path dir) {
        Map<String, Stamp> out = new HashMap<>();
        Path file = dir.resolve(RECORD);
        try {
            if (!Files.exists(file)) {
                return out;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int lastLine = text.lastIndexOf("crc ");
            if (lastLine < 0 || !text.endsWith("\n")) {
                return out;
            }
            String body = text.substring(0, lastLine);
            if (!text.substring(lastLine).trim().equals("crc " + crc(body))) {
                return out;
            }
            for (String line : body.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split(" ");
                if (f.length != 3) {
                    return new HashMap<>();
                }
                out.put(f[0], new Stamp(Long.parseLong(f[1]), Long.parseLong(f[2])));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("table check record {} unreadable ({}): every table file is checked", file, e.toString());
            return new HashMap<>();
        }
    }

    private static void write(Path dir, Map<String, Stamp> checked) {
        StringBuilder body = new StringBuilder();
        checked.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> body.append(e.getKey())
                .append(' ').append(e.getValue().size()).append(' ').append(e.getValue().modifiedNanos())
                .append('\n'));
        String text = body + "crc " + crc(body.toString()) + "\n";
        Path tmp = dir.resolve(RECORD + ".tmp");
        try {
            // Not synced: a record lost in a crash only makes the next open check more.
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write table check record in {}: {}", dir, e.toString());
        }
    }

    private static String crc(String s) {
        CRC32C c = new CRC32C();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }
}
