package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CounterCheckerTest {
    private final Checker checker = new CounterChecker();

    @Test
    void readsBetweenTheCertainAndThePossibleSumsAreValid() {
        Hist h = new Hist().invoke(0, "add", 2L).ok(0)
                .invoke(1, "add", 3L) // concurrent with the next read: may or may not count
                .invoke(2, "read", null).ok(2, 5L)
                .ok(1)
                .invoke(3, "add", 4L).info(3, "CONNECTIONLOSS")
                .invoke(4, "add", 100L).fail(4, "CONNECTIONLOSS")
                .invoke(2, "read", null).ok(2, 5L)
                .invoke(2, "read", null).ok(2, 9L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("reads")).isEqualTo(3);
    }

    @Test
    void aReadMissingACompletedAddIsTooLow() {
        Hist h = new Hist().invoke(0, "add", 2L).ok(0).invoke(0, "add", 3L).ok(0)
                .invoke(1, "read", null).ok(1, 2L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("too-low");
            assertThat(a.events()).containsExactly(4L, 5L);
            assertThat(a.detail()).contains("adds of 5");
        });
    }

    @Test
    void aReadCountingAFailedAddOrAFutureOneIsTooHigh() {
        Hist h = new Hist().invoke(0, "add", 2L).fail(0, "CONNECTIONLOSS")
                .invoke(1, "read", null).ok(1, 2L)
                .invoke(0, "add", 1L).ok(0);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("too-high");
            assertThat(a.detail()).contains("only adds of 0");
        });
    }
}
