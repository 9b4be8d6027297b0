package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.tree.NodeMeta;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM that is committing synced batches, then checks the store: every batch whose commit
 * returned (the child printed its number) is there, and every batch is wholly there or wholly absent. Two rounds,
 * so the second writer starts on a store recovered from a crash.
 */
class StoreCrashTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void killedWriterLosesNothingAcknowledgedAndNeverHalfABatch() throws Exception {
        killTwice(false, 40);
    }

    /**
     * An ensemble member's tree has no WAL: a synced commit flushes, and RocksDB flushes full memtables on its own.
     * Every flushed batch survives, and whatever else survives is a prefix of whole batches (atomic flush: the
     * column families never stop at different batches).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutAWalEveryFlushedBatchSurvivesAndTheRestIsAPrefixOfWholeBatches() throws Exception {
        killTwice(true, 40);
    }

    private void killTwice(boolean noWal, int atLeast) throws Exception {
        Path db = dir.resolve("db");
        long acknowledged = 0;
        for (int round = 0; round < 2; round++) {
            long printed = runAndKill(db, noWal, atLeast + ThreadLocalRandom.current().nextInt(atLeast));
            assertThat(printed).as("round %d: the child committed something", round).isGreaterThan(acknowledged);
            acknowledged = printed;
            verify(db, noWal, acknowledged);
        }
    }

    /** Starts the writer, kills it after it acknowledged about {@code atLeast} batches; the highest printed. */
    private long runAndKill(Path db, boolean noWal, int atLeast) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = dir.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), db.toString(), noWal ? CrashWriter.NO_WAL : "wal")
                .redirectError(stderr.toFile())
                .start();
        List<Long> numbers = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(CrashWriter.ACK)) {
                        numbers.add(Long.parseLong(line.substring(CrashWriter.ACK.length()).trim()));
                    }
                }
            } catch (IOException e) {
                // the pipe breaks when the child dies
            }
        });
        reader.start();
        try {
            long start = System.nanoTime();
                        while (numbers.size() < atLeast) {
                if (!child.isAlive()) {
                    throw new AssertionError("writer died by itself: " + Files.readString(stderr));
                }
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(40)) {
                    throw new AssertionError("writer too slow: " + numbers.size() + " batches; "
                            + Files.readString(stderr));
                }
                Thread.sleep(1);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(20));  // land the kill anywhere in a commit
        } finally {
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        assertThat(numbers).isNotEmpty();
        long step = noWal ? CrashWriter.SYNC_EVERY : 1;
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + step);
        }
        return numbers.get(numbers.size() - 1);
    }

    private static void verify(Path db, boolean noWal, long acknowledged) {
        try (RocksZnodeStore store = RocksZnodeStore.open(db, CrashWriter.options(noWal))) {
            long last = store.lastZxid();
            assertThat(last).as("every acknowledged batch survives").isGreaterThanOrEqualTo(acknowledged);
            assertThat(store.metaLong("batch", 0)).isEqualTo(last);
            for (long i = 1; i <= last; i++) {
                assertBatchPresent(store, i);
            }
            for (long i = last + 1; i <= last + 20; i++) {
                for (int n = 0; n < CrashWriter.NODES_PER_BATCH; n++) {
                    assertThat(store.meta(CrashWriter.path(i, n))).isNull();
                    assertThat(store.data(CrashWriter.path(i, n))).isNull();
                }
                assertThat(store.ephemerals(i)).isEmpty();
            }
            // Nothing else anywhere: exactly the nodes of batches 1..last.
            assertThat(store.descendantCount("/")).isEqualTo(last * CrashWriter.NODES_PER_BATCH);
        }
    }

    private static void assertBatchPresent(RocksZnodeStore store, long i) {
        for (int n = 0; n < CrashWriter.NODES_PER_BATCH; n++) {
            String p = CrashWriter.path(i, n);
            NodeMeta meta = store.meta(p);
            assertThat(meta).as("meta of %s", p).isNotNull();
            assertThat(meta.czxid()).isEqualTo(i);
            assertThat(store.data(p)).as("data of %s", p).isEqualTo(CrashWriter.data(i, n));
        }
        assertThat(store.ephemerals(i)).hasSize(CrashWriter.NODES_PER_BATCH);
    }
}
