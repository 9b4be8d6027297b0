package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a member flushes its tree and trims its log: by count, and once commits pause (at most once per spacing). */
class TrimScheduleTest {
    private static final long MS = 1_000_000L;

    @Test
    void everyNthCommitTrims() {
        TrimSchedule t = new TrimSchedule(3, 1000 * MS, 5000 * MS, 0);
        assertThat(t.committed(1)).isFalse();
        assertThat(t.committed(2)).isFalse();
        assertThat(t.committed(3)).isTrue();
        assertThat(t.committed(4)).isFalse();
    }

    @Test
    void aPauseAfterCommitsTrimsOnce() {
        TrimSchedule t = new TrimSchedule(10_000, 1000 * MS, 5000 * MS, 0);
        long now = 10_000 * MS;
        t.committed(now);
        assertThat(t.idle(now + 999 * MS)).as("not yet a pause").isFalse();
        assertThat(t.idle(now + 1000 * MS)).isTrue();
        assertThat(t.idle(now + 9000 * MS)).as("nothing new since").isFalse();
    }

    @Test
    void nothingCommittedNothingToTrim() {
        TrimSchedule t = new TrimSchedule(10_000, 1000 * MS, 5000 * MS, 0);
        assertThat(t.idle(60_000 * MS)).isFalse();
    }

    @Test
    void idleTrimsAreSpacedSoATrickleDoesNotFlushPerWrite() {
        TrimSchedule t = new TrimSchedule(10_000, 1000 * MS, 5000 * MS, 0);
        long now = 10_000 * MS;
        t.committed(now);
        assertThat(t.idle(now + 1000 * MS)).isTrue();
        t.committed(now + 1500 * MS);
        assertThat(t.idle(now + 2600 * MS)).as("paused, but the last trim was 1.6 s ago").isFalse();
        assertThat(t.idle(now + 6000 * MS)).isTrue();
    }

    @Test
    void aCountTrimResetsThePause() {
        TrimSchedule t = new TrimSchedule(2, 1000 * MS, 0, 0);
        t.committed(10 * MS);
        assertThat(t.committed(20 * MS)).isTrue();
        assertThat(t.idle(5000 * MS)).as("everything was trimmed by count").isFalse();
    }
}
