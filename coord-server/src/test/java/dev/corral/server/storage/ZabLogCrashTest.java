package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.DurableState;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
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
 * SIGKILLs a child JVM that is persisting Readies into a {@link ZabLogStore}, then reopens the log: every Ready whose
 * persist returned (the child printed it) is there, and every entry is whole (its payload describes its own zxid), the
 * log is gap-free from its base and epochs never decrease. Three rounds, each on the log the previous crash left.
 */
class ZabLogCrashTest {

    @TempDir
    Path dir;

    record Printed(long acceptedEpoch, Zxid last) {}

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void killedWriterLosesNothingItWasToldIsDurableAndLeavesNoTornEntry() throws Exception {
        Path log = dir.resolve("zablog");
        for (int round = 0; round < 3; round++) {
            Printed printed = runAndKill(log, 30 + ThreadLocalRandom.current().nextInt(60));
            verify(log, printed);
        }
    }

    private Printed runAndKill(Path log, int atLeast) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = dir.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                ZabLogCrashWriter.class.getName(), log.toString())
                .redirectError(stderr.toFile())
                .start();
        List<Printed> acks = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(ZabLogCrashWriter.ACK)) {
                        String[] f = line.substring(ZabLogCrashWriter.ACK.length()).trim().split(" ");
                        acks.add(new Printed(Long.parseLong(f[0]),
                                new Zxid(Long.parseLong(f[1]), Long.parseLong(f[2]))));
                    }
                }
            } catch (IOException e) {
                // the pipe breaks when the child dies
            }
        });
        reader.start();
        try {
            long start = System.nanoTime();
            while (acks.size() < atLeast) {
                if (!child.isAlive()) {
                    throw new AssertionError("writer died by itself: " + Files.readString(stderr));
                }
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(40)) {
                    throw new AssertionError("writer too slow: " + acks.size() + " Readies; " + Files.readString(stderr));
                }
                Thread.sleep(1);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(20)); // land the kill anywhere in a persist
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix
            child.waitFor(20, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        assertThat(acks).isNotEmpty();
        return acks.get(acks.size() - 1);
    }

    private static void verify(Path log, Printed printed) {
        try (ZabLogStore s = ZabLogStore.open(log)) {
            assertThat(s.hardState().acceptedEpoch()).isGreaterThanOrEqualTo(printed.acceptedEpoch());
            if (s.hardState().acceptedEpoch() == printed.acceptedEpoch()
                    && printed.last().counter() > s.base().counter()) {
                // No later truncation became durable, so the printed log end must still be there (unless a later
                // compaction, which keeps the last 20 entries, moved the base past it).
                assertThat(s.zxidAt(printed.last().counter())).isEqualTo(printed.last());
            }
            DurableState d = s.recover(s.base().counter());
            long expected = s.base().counter() + 1;
            long epoch = s.base().epoch();
            for (Txn t : d.log()) {
                assertThat(t.counter()).isEqualTo(expected++);
                assertThat(t.epoch()).isGreaterThanOrEqualTo(epoch);
                epoch = t.epoch();
                assertThat(t.payload()).as("entry %s", t.zxid())
                        .isEqualTo(ZabLogCrashWriter.payload(t.epoch(), t.counter()));
            }
            assertThat(expected - 1).isEqualTo(s.lastZxid().counter());
        }
    }
}
