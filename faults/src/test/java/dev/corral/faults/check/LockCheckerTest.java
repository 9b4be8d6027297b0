package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LockCheckerTest {
    private final Checker checker = new LockChecker();

    @Test
    void oneHolderAtATimeIsValid() {
        Hist h = new Hist().invoke(0, "acquire", null).ok(0)
                .invoke(1, "acquire", null) // waits
                .invoke(0, "incr", null).ok(0, 1L)
                .invoke(0, "release", null).ok(0)
                .ok(1)
                .invoke(1, "incr", null).info(1, "CONNECTIONLOSS")
                .invoke(4, "release", null).ok(4) // p1's thread, renumbered after the INFO, lets go
                .invoke(2, "acquire", null).fail(2, "TIMEOUT")
                .invoke(3, "acquire", null).ok(3)
                .invoke(3, "incr", null).ok(3, 3L) // the INFO incr took effect
                .invoke(3, "release", null).ok(3);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("holds")).isEqualTo(3);
        assertThat(r.count("counter")).isEqualTo(3);
        assertThat(r.count("releases-without-acquire")).isEqualTo(1);
    }

    @Test
    void twoHoldersAtOnceOverlap() {
        Hist h = new Hist().invoke(0, "acquire", null).ok(0)
                .invoke(1, "acquire", null).ok(1)
                .invoke(0, "release", null).ok(0)
                .invoke(1, "release", null).ok(1);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("overlap");
            assertThat(a.events()).containsExactly(1L, 4L, 3L);
        });
    }

    @Test
    void aHolderThatLostTheLockStopsHoldingWhenItLearnsSo() {
        Hist h = new Hist().invoke(0, "acquire", null).ok(0)
                .invoke(0, "release", null).info(0, "LOST")
                .invoke(1, "acquire", null).ok(1)
                .invoke(1, "release", null).ok(1);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
        // ...but not before: a lock granted while the first still believes it holds it overlaps
        Hist early = new Hist().invoke(0, "acquire", null).ok(0)
                .invoke(1, "acquire", null).ok(1)
                .invoke(0, "release", null).info(0, "SUSPENDED");
        assertThat(checker.check(early.ops()).anomalies()).extracting(Anomaly::kind).containsExactly("overlap");
    }

    @Test
    void aLockNeverReleasedIsHeldToTheEnd() {
        Hist h = new Hist().invoke(0, "acquire", null).ok(0)
                .invoke(0, "release", null).fail(0, "CONNECTIONLOSS") // did not happen: still held
                .invoke(1, "acquire", null).ok(1);
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> assertThat(a.detail()).contains("never released"));
    }

    @Test
    void twoIncrsReturningTheSameValueAreDuplicates() {
        Hist h = new Hist().invoke(0, "acquire", null).ok(0).invoke(0, "incr", null).ok(0, 1L)
                .invoke(0, "release", null).ok(0)
                .invoke(1, "acquire", null).ok(1).invoke(1, "incr", null).ok(1, 1L)
                .invoke(1, "release", null).ok(1);
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("duplicate-incr");
            assertThat(a.events()).containsExactly(2L, 3L, 8L, 9L);
        });
    }

    @Test
    void aCounterAboveTheIncrsThatCanHaveHappenedIsTooHigh() {
        Hist h = new Hist().invoke(0, "acquire", null).ok(0)
                .invoke(0, "incr", null).ok(0, 1L)
                .invoke(0, "incr", null).fail(0, "BADVERSION")
                .invoke(0, "incr", null).ok(0, 3L); // the failed one happened after all
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("counter-too-high");
            assertThat(a.detail()).contains("reached 3 but only 2 OK and 0 INFO");
        });
    }
}
