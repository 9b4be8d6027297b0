package dev.corral.faults.check;

import static dev.corral.faults.check.Hist.list;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TotalQueueCheckerTest {
    private final Checker checker = new TotalQueueChecker();

    @Test
    void everyElementTakenOnceIsValid() {
        Hist h = new Hist().invoke(0, "enqueue", 1L).ok(0).invoke(0, "enqueue", 2L).ok(0)
                .invoke(0, "enqueue", 3L).ok(0).invoke(1, "enqueue", 4L).info(1, "CONNECTIONLOSS")
                .invoke(2, "dequeue", null).ok(2, 1L)
                .invoke(2, "dequeue", null).info(2, 2L, "CONNECTIONLOSS") // may have taken 2: not lost
                .invoke(3, "dequeue", null).fail(3, "EMPTY")
                .invoke(4, "drain", null).ok(4, list(3L, 4L));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("recovered")).isEqualTo(1);
        assertThat(r.count("drained")).isEqualTo(2);
        assertThat(r.count("lost")).isZero();
    }

    @Test
    void anElementNeitherDequeuedNorDrainedIsLost() {
        Hist h = new Hist().invoke(0, "enqueue", 1L).ok(0).invoke(0, "enqueue", 2L).ok(0)
                .invoke(4, "drain", null).ok(4, list(2L));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("lost");
            assertThat(a.events()).containsExactly(0L, 1L);
        });
    }

    @Test
    void anElementTakenTwiceIsDuplicated() {
        Hist h = new Hist().invoke(0, "enqueue", 1L).ok(0)
                .invoke(1, "dequeue", null).ok(1, 1L)
                .invoke(4, "drain", null).ok(4, list(1L));
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("duplicated");
            assertThat(a.events()).containsExactly(2L, 3L, 4L, 5L);
        });
    }

    @Test
    void anElementNeverEnqueuedIsUnexpectedAndOneWhoseEnqueueFailedIsPresentAfterFail() {
        Hist h = new Hist().invoke(0, "enqueue", 1L).fail(0, "CONNECTIONLOSS")
                .invoke(1, "dequeue", null).ok(1, 7L)
                .invoke(4, "drain", null).ok(4, list(1L));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).extracting(Anomaly::kind).containsExactlyInAnyOrder("unexpected",
                "present-after-fail");
        assertThat(r.count("unexpected")).isEqualTo(1);
    }

    @Test
    void withoutADrainLostElementsAreUnknown() {
        Hist h = new Hist().invoke(0, "enqueue", 1L).ok(0);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        // but what can be judged still is
        h.invoke(1, "dequeue", null).ok(1, 1L).invoke(2, "dequeue", null).ok(2, 1L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.INVALID);
    }
}
