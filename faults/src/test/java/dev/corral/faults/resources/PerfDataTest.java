package dev.corral.faults.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The hsperfdata reader against jstat itself, on this test JVM's own counters. */
class PerfDataTest {
    @Test
    void readsTheCountersJstatPrints() throws Exception {
        long pid = ProcessHandle.current().pid();
        Assumptions.assumeTrue(Files.exists(PerfData.fileOf(pid)), "this JVM keeps no hsperfdata file");
        PerfData p = PerfData.read(pid).orElseThrow();
        // capacities move rarely (only when a generation grows or shrinks): compare them; then the used sums
        List<String> gc = jstat(pid);
        String[] head = gc.get(0).trim().split("\\s+");
        String[] row = gc.get(1).trim().split("\\s+");
        assertThat(p.get("sun.gc.generation.1.space.0.capacity") / 1024)
                .isEqualTo((long) Double.parseDouble(row[List.of(head).indexOf("OC")]));
        assertThat(p.get("sun.gc.generation.0.space.0.capacity") / 1024)
                .isEqualTo((long) Double.parseDouble(row[List.of(head).indexOf("EC")]));
        assertThat(p.oldUsedKb()).isPositive();
        assertThat(p.heapUsedKb()).isGreaterThanOrEqualTo(p.oldUsedKb());
        assertThat(p.heapUsedKb()).isLessThanOrEqualTo(Runtime.getRuntime().totalMemory() / 1024);
    }

    @Test
    void aMissingOrForeignFileReadsAsNothing() {
        assertThat(PerfData.read(Long.MAX_VALUE)).isEmpty();
        assertThat(PerfData.parse(java.nio.ByteBuffer.wrap(new byte[64]))).isEmpty();
    }

    @Test
    void rssIsReadFromProc() {
        long kb = ResourceSampler.rssKb(ProcessHandle.current().pid());
        assertThat(kb).isGreaterThan(10_000);
        assertThat(ResourceSampler.rssKb(Long.MAX_VALUE)).isEqualTo(-1);
    }

    private static List<String> jstat(long pid) throws IOException, InterruptedException {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        Assumptions.assumeTrue(Files.isExecutable(jstat), "no jstat in " + jstat);
        Process p = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }
}
