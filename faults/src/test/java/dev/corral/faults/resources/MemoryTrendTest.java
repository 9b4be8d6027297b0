package dev.corral.faults.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryTrendTest {
    @Test
    void aSteadyClimbShowsAsItsSlopeAndAFlatLineAsNone() {
        List<Sample> leak = new ArrayList<>();
        List<Sample> flat = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            double t = i * 36;   // an hour in 36 s steps
            long sawtooth = (i % 7) * 1024L;   // GC noise with no trend
            leak.add(new Sample(t, "n1", 100_000 + i * 1024L, 50_000, 20_000 + i * 512L, 1));
            flat.add(new Sample(t, "n2", 100_000 + sawtooth, 50_000, 20_000 + sawtooth, 2));
        }
        MemoryTrend l = MemoryTrend.of("n1", leak);
        assertThat(l.rssSlopeMbPerHour()).isCloseTo(100, within(0.01));
        assertThat(l.oldSlopeMbPerHour()).isCloseTo(50, within(0.01));
        assertThat(l.maxRssKb()).isEqualTo(100_000 + 100 * 1024L);
        assertThat(l.rssFirstTenthKb()).isLessThan(l.rssLastTenthKb());
        MemoryTrend f = MemoryTrend.of("n2", flat);
        assertThat(Math.abs(f.rssSlopeMbPerHour())).isLessThan(3);
        assertThat(f.line()).startsWith("n2: 101 samples in 1 run, max heap 48 MB");
        assertThat(MemoryTrend.of("n3", List.of())).isNull();
    }

    @Test
    void aRestartedMemberIsJudgedOnEachRunsSlopeNotOnTheDropBetweenThem() {
        List<Sample> killedTwice = new ArrayList<>();
        List<Sample> leakingAcrossKills = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            long pid = 100 + i / 30;   // a new JVM every 30 samples, starting small again
            double t = i * 40;   // an hour in all
            killedTwice.add(new Sample(t, "n1", 300_000 - (i / 30) * 100_000L, 50_000, 30_000, pid));   // flat runs
            leakingAcrossKills.add(new Sample(t, "n2", 100_000 + (i % 30) * 1024L, 50_000, 30_000, pid));
        }
        MemoryTrend flat = MemoryTrend.of("n1", killedTwice);
        assertThat(flat.runs()).isEqualTo(3);
        assertThat(flat.rssSlopeMbPerHour()).as(flat.line()).isZero();   // one line through all: -200 MB/h
        MemoryTrend leak = MemoryTrend.of("n2", leakingAcrossKills);
        // 1 MB per 40 s within each run = 90 MB/h, though each run starts over at 100 MB
        assertThat(leak.rssSlopeMbPerHour()).isCloseTo(90, within(0.01));
        assertThat(leak.line()).contains("in 3 runs");
    }

    @Test
    void aRestartedJvmsStartUpClimbIsNotALeak() {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            s.add(new Sample(i * 10, "n1", 200_000, 50_000, 30_000, 1));   // flat for 10 minutes
        }
        for (int i = 0; i < 60; i++) {   // killed and restarted: 20 s of climbing from 100 MB, then flat at 200 MB
            s.add(new Sample(600 + i * 10, "n1", i < 3 ? 100_000 + i * 50_000 : 200_000, 50_000, 30_000, 2));
        }
        assertThat(MemoryTrend.of("n1", s).rssSlopeMbPerHour()).isZero();
    }
}
