package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FloodCheckerTest {
    private final Checker checker = new FloodChecker();

    @Test
    void theLastAcknowledgedValueOrALaterIndeterminateOneIsValid() {
        Hist h = new Hist()
                .invoke(0, "write", "k0", 1L).ok(0)
                .invoke(1, "write", "k0", 2L).ok(1)
                .invoke(2, "write", "k0", 3L).info(2, "TIMEOUT")   // may have happened: both 2 and 3 are fine
                .invoke(3, "write", "k1", 1L).ok(3)
                .invoke(9, "read", "k0", null).ok(9, 3L)
                .invoke(9, "read", "k0", null).ok(9, 2L)   // another member: the INFO write never took effect
                .invoke(9, "read", "k1", null).ok(9, 1L)
                .invoke(9, "read", "k2", null).ok(9, 0L);  // never written: the initial value
        Result r = checker.check(h.history());
        assertThat(r.verdict()).as(r.summary()).isEqualTo(Verdict.VALID);
        assertThat(r.count("writes")).isEqualTo(4);
        assertThat(r.count("info")).isEqualTo(1);
        assertThat(r.count("reads")).isEqualTo(4);
    }

    @Test
    void concurrentWritesMayEndEitherWay() {
        Hist h = new Hist()
                .invoke(0, "write", "k0", 1L).invoke(1, "write", "k0", 2L).ok(1).ok(0)   // 2 invoked before 1 ended
                .invoke(9, "read", "k0", null).ok(9, 1L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void anAcknowledgedWriteOverwrittenByNothingButGoneIsLost() {
        Hist h = new Hist()
                .invoke(0, "write", "k0", 1L).ok(0)
                .invoke(1, "write", "k0", 2L).ok(1)   // invoked after 1 was acknowledged: 1 cannot be the end
                .invoke(9, "read", "k0", null).ok(9, 1L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.count("lost")).isEqualTo(1);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("lost");
            assertThat(a.events()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        });
    }

    @Test
    void theInitialValueAfterAnAcknowledgedWriteIsLost() {
        Hist h = new Hist().invoke(0, "write", "k5", 7L).ok(0).invoke(9, "read", "k5", null).ok(9, 0L);
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("lost");
            assertThat(a.detail()).contains("(initial)");
        });
    }

    @Test
    void aWriteAcknowledgedOnlyAfterTheReadBeganProvesNothing() {
        Hist h = new Hist().invoke(0, "write", "k0", 1L).ok(0).invoke(1, "write", "k0", 2L)
                .invoke(9, "read", "k0", null).ok(1).ok(9, 1L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void aValueNoWriteCarriedIsUnexpected() {
        Hist h = new Hist().invoke(0, "write", "k0", 1L).ok(0).invoke(9, "read", "k0", null).ok(9, 42L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("unexpected");
            assertThat(a.detail()).contains("reads 42");
        });
    }

    @Test
    void aValueWhoseWriteFailedMustNotBeRead() {
        Hist h = new Hist().invoke(0, "write", "k0", 1L).fail(0, "NONODE").invoke(9, "read", "k0", null).ok(9, 1L);
        assertThat(checker.check(h.ops()).anomalies()).singleElement()
                .satisfies(a -> assertThat(a.kind()).isEqualTo("present-after-fail"));
    }

    @Test
    void withoutAFinalReadTheVerdictIsUnknown() {
        Result r = checker.check(new Hist().invoke(0, "write", "k0", 1L).ok(0).ops());
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    }
}
