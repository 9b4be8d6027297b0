package dev.corral.faults.check;

import static dev.corral.faults.check.Hist.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.faults.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    private static Hist h() {
        return new Hist();
    }

    @Test
    void aSequentialHistoryIsLinearizable() {
        Hist h = h().invoke(0, "write", "r0", 1L).ok(0)
                .invoke(0, "read", "r0", null).ok(0, 1L)
                .invoke(1, "cas", "r0", list(1L, 2L)).ok(1)
                .invoke(1, "read", "r0", null).ok(1, 2L);
        Result r = checker.check(h.history());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("ops")).isEqualTo(4);
        assertThat(r.anomalies()).isEmpty();
    }

    @Test
    void theInitialValueIsZero() {
        assertThat(checker.check(h().invoke(0, "read", "r0", null).ok(0, 0L).ops()).valid()).isTrue();
        Result r = checker.check(h().invoke(0, "read", "r0", null).ok(0, 3L).ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies().get(0).detail()).contains("no op wrote 3 before it completed");
        // a value written, but only after the read completed: also refuted without a search
        Result later = checker.check(h().invoke(0, "read", "r0", null).ok(0, 3L).invoke(1, "write", "r0", 3L).ok(1)
                .ops());
        assertThat(later.anomalies()).singleElement()
                .satisfies(a -> assertThat(a.detail()).contains("came later").contains("p1 write 3"));
        // a stale read of the initial value: the search says the register could only hold 1
        Result stale = checker.check(h().invoke(0, "write", "r0", 1L).ok(0).invoke(0, "read", "r0", null).ok(0, 0L)
                .ops());
        assertThat(stale.anomalies().get(0).detail()).contains("can only hold 1 (set by p0 write 1");
    }

    @Test
    void aStaleReadAfterACompletedWriteIsNotLinearizable() {
        Hist h = h().invoke(0, "write", "r0", 1L).ok(0)
                .invoke(1, "read", "r0", null).ok(1, 0L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        Anomaly a = r.anomalies().get(0);
        assertThat(a.kind()).isEqualTo("not-linearizable");
        assertThat(a.events()).startsWith(2L, 3L).contains(0L); // the read, then the write it contradicts
        assertThat(a.detail()).contains("key r0").contains("p1 read -> ok 0").contains("1 (set by p0 write 1");
    }

    @Test
    void concurrentWritesMayBeSeenInEitherOrder() {
        // w1 and w2 overlap; one reader sees 2 then 1, the other 1 then... only the order w2, w1 explains both
        // early reads of 2 and the last reads of 1.
        Hist h = h().invoke(0, "write", "r0", 1L).invoke(1, "write", "r0", 2L)
                .invoke(2, "read", "r0", null).ok(2, 2L)
                .invoke(3, "read", "r0", null).ok(3, 1L)
                .ok(0).ok(1)
                .invoke(2, "read", "r0", null).ok(2, 1L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);

        Hist other = h().invoke(0, "write", "r0", 1L).invoke(1, "write", "r0", 2L)
                .invoke(2, "read", "r0", null).ok(2, 1L)
                .ok(0).ok(1)
                .invoke(2, "read", "r0", null).ok(2, 2L);
        assertThat(checker.check(other.ops()).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void readsCannotSeeConcurrentWritesInBothOrdersOnceThoseCompleted() {
        Hist h = h().invoke(0, "write", "r0", 1L).invoke(1, "write", "r0", 2L).ok(0).ok(1)
                .invoke(2, "read", "r0", null).ok(2, 2L)
                .invoke(3, "read", "r0", null).ok(3, 1L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies().get(0).events()).startsWith(6L, 7L);
    }

    @Test
    void anInfoWriteMayTakeEffectMuchLater() {
        Hist h = h().invoke(9, "write", "r0", 5L).info(9, "CONNECTIONLOSS");
        for (long v = 1; v <= 20; v++) {
            h.invoke(0, "write", "r0", v * 10).ok(0).invoke(1, "read", "r0", null).ok(1, v * 10);
        }
        h.invoke(1, "read", "r0", null).ok(1, 5L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
        // ...but only once: after 5 is overwritten by a completed write, it cannot come back.
        h.invoke(0, "write", "r0", 6L).ok(0).invoke(1, "read", "r0", null).ok(1, 5L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void anInfoWriteNeverTakingEffectIsFine() {
        Hist h = h().invoke(9, "write", "r0", 5L).info(9, "CONNECTIONLOSS")
                .invoke(0, "read", "r0", null).ok(0, 0L)
                .invoke(1, "cas", "r0", list(5L, 6L)).invoke(2, "read", "r0", null).ok(2, 0L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void anInfoWriteReadBeforeItsInvokeIsNotLinearizable() {
        Hist h = h().invoke(0, "read", "r0", null).ok(0, 7L)
                .invoke(9, "write", "r0", 7L).info(9, "CONNECTIONLOSS");
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies().get(0).events()).containsExactly(0L, 1L);
    }

    @Test
    void aCasThatSucceededWithAWrongExpectedValueIsNotLinearizable() {
        Hist h = h().invoke(0, "write", "r0", 1L).ok(0)
                .invoke(1, "cas", "r0", list(2L, 3L)).ok(1);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies().get(0).detail()).contains("p1 cas [2, 3] -> ok");
    }

    @Test
    void failedOpsNeverHappened() {
        Hist h = h().invoke(0, "write", "r0", 9L).fail(0, "BADVERSION")
                .invoke(1, "cas", "r0", list(0L, 4L)).fail(1, "MISMATCH")
                .invoke(2, "read", "r0", null).fail(2, "CONNECTIONLOSS")
                .invoke(3, "read", "r0", null).ok(3, 0L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("fail")).isEqualTo(3);
        // the same history with the failed write's value read back is a lost "failure"
        h.invoke(3, "read", "r0", null).ok(3, 9L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aReadOfNoDataIsNotLinearizable() {
        Result r = checker.check(h().invoke(0, "read", "r0", null).ok(0, null).ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies().get(0).detail()).contains("-> ok [0..1]");
    }

    @Test
    void keysAreIndependent() {
        Hist h = h().invoke(0, "write", "r1", 1L).ok(0)
                .invoke(1, "read", "r2", null).ok(1, 0L)
                .invoke(1, "read", "r1", null).ok(1, 1L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
        h.invoke(2, "read", "r2", null).ok(2, 1L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.count("keys")).isEqualTo(2);
        assertThat(r.anomalies()).singleElement().satisfies(a -> assertThat(a.detail()).startsWith("key r2:"));
    }

    @Test
    void anOpNeverCompletedIsIndeterminate() {
        Hist h = h().invoke(0, "write", "r0", 3L).invoke(1, "read", "r0", null).ok(1, 3L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void theFailureNamesTheFirstOpThatCannotBeLinearizedNotALaterOne() {
        Hist h = h().invoke(0, "write", "r0", 1L).ok(0)
                .invoke(0, "write", "r0", 2L).ok(0)
                .invoke(1, "read", "r0", null).ok(1, 1L) // stale
                .invoke(0, "write", "r0", 3L).ok(0)
                .invoke(1, "read", "r0", null).ok(1, 2L); // stale too, but later
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement()
                .satisfies(a -> assertThat(a.events()).startsWith(4L, 5L).contains(2L));
    }

    @Test
    void dozensOfInfoWritesUnderAPartitionAreCheckedQuickly() {
        // 60 writers lose their connections mid-write (values repeat: 0..9, all read by someone later); readers
        // then see some of those values take effect in an order only the indeterminate writes explain.
        Hist h = h();
        int process = 100;
        for (int i = 0; i < 60; i++) {
            h.invoke(process + i, "write", "r0", (long) (i % 10));
        }
        for (int i = 0; i < 60; i++) {
            h.info(process + i, "CONNECTIONLOSS");
        }
        long[] seen = {3, 7, 3, 1, 9, 2, 2, 8, 0, 5, 4, 6};
        for (long v : seen) {
            h.invoke(0, "read", "r0", null).ok(0, v);
        }
        long start = System.nanoTime();
        Result valid = checker.check(h.ops());
        assertThat(valid.verdict()).isEqualTo(Verdict.VALID);
        // 3 twice, 2 twice: each value is written by six writers, so the reads can be explained
        h.invoke(0, "write", "r0", 11L).ok(0).invoke(0, "read", "r0", null).ok(0, 12L);
        Result invalid = checker.check(h.ops());
        assertThat(invalid.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void moreReadsOfAValueThanIndeterminateWritesOfItCanExplainAreNotLinearizable() {
        Hist h = h();
        for (int i = 0; i < 40; i++) {
            h.invoke(100 + i, "write", "r0", (long) (i % 20)); // every value 0..19 twice
        }
        for (int i = 0; i < 40; i++) {
            h.info(100 + i, "CONNECTIONLOSS");
        }
        // 5 seen three times with other values between: needs three writes of 5, there are two
        for (long v : new long[] {5, 6, 5, 7, 5}) {
            h.invoke(0, "read", "r0", null).ok(0, v);
        }
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies().get(0).events()).startsWith(88L, 89L);
    }

    @Test
    void anExhaustedBudgetIsUnknownNotInvalid() {
        // Indeterminate writes of distinct values that are all read somewhere: the search must consider many
        // subsets of them before concluding the last read is impossible.
        Hist h = h();
        for (int i = 0; i < 30; i++) {
            h.invoke(100 + i, "write", "r0", (long) i);
        }
        for (int i = 0; i < 30; i++) {
            h.invoke(i, "read", "r0", null);
        }
        for (int i = 0; i < 30; i++) {
            h.ok(i, (long) ((i * 7) % 30));
        }
        h.invoke(0, "write", "r0", 77L).ok(0).invoke(0, "write", "r0", 78L).ok(0)
                .invoke(0, "read", "r0", null).ok(0, 77L); // stale, but 77 was written: only a search refutes it
        Result tight = new LinearizabilityChecker(50, Duration.ofMinutes(1)).check(h.ops());
        assertThat(tight.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(tight.valid()).isFalse();
        assertThat(tight.anomalies()).isEmpty();
        assertThat(tight.note()).contains("key r0").contains("budget");
        assertThat(tight.count("keys-unknown")).isEqualTo(1);

        long start = System.nanoTime();
        Result timed = new LinearizabilityChecker(Long.MAX_VALUE, Duration.ofMillis(200)).check(h.ops());
        assertThat(timed.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aKeyThatExhaustsTheTimeDoesNotStarveTheOthers() {
        Hist h = h();
        for (int i = 0; i < 30; i++) {
            h.invoke(100 + i, "write", "a-hard", (long) i);
        }
        for (int i = 0; i < 30; i++) {
            h.invoke(i, "read", "a-hard", null);
        }
        for (int i = 0; i < 30; i++) {
            h.ok(i, (long) ((i * 7) % 30));
        }
        h.invoke(0, "write", "a-hard", 77L).ok(0).invoke(0, "write", "a-hard", 78L).ok(0)
                .invoke(0, "read", "a-hard", null).ok(0, 77L);
        // key b-easy comes second and holds a plain stale read
        h.invoke(1, "write", "b-easy", 1L).ok(1).invoke(1, "write", "b-easy", 2L).ok(1)
                .invoke(1, "read", "b-easy", null).ok(1, 1L);
        Result r = new LinearizabilityChecker(Long.MAX_VALUE, Duration.ofMillis(400)).check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.count("keys-unknown")).isEqualTo(1);
        assertThat(r.anomalies()).singleElement().satisfies(a -> assertThat(a.detail()).startsWith("key b-easy"));
        assertThat(r.note()).contains("key a-hard");
    }

    @Test
    void eventsOfOtherFunctionsAreIgnoredWhateverTheirShape() {
        Hist h = h().invoke(0, "start-partition", null).ok(0).invoke(1, "read", "r0", null).ok(1, 0L);
        List<Op> ops = new ArrayList<>(h.ops());
        // a nemesis event without an invoke, as Jepsen's nemesis records them: not the checker's business
        ops.add(new Op(4, -1, Op.Type.INFO, "kill", null, "n1", 4, null));
        Result r = checker.check(ops);
        assertThat(r.valid()).isTrue();
        assertThat(r.count("ignored")).isEqualTo(3);
        assertThat(List.of(r.summary())).allMatch(s -> s.startsWith("register VALID"));
    }
}
