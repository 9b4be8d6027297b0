package dev.corral.faults.check;

import static dev.corral.faults.check.Hist.list;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SetCheckerTest {
    private final Checker checker = new SetChecker();

    @Test
    void everyOkAddReadBackIsValidAndInfoAddsMayGoEitherWay() {
        Hist h = new Hist().invoke(0, "add", 1L).ok(0).invoke(1, "add", 2L).ok(1)
                .invoke(2, "add", 3L).info(2, "CONNECTIONLOSS") // present: recovered
                .invoke(3, "add", 4L).info(3, "CONNECTIONLOSS") // absent: fine
                .invoke(4, "add", 5L).fail(4, "CONNECTIONLOSS")
                .invoke(0, "read", null).ok(0, list(1L, 2L, 3L));
        Result r = checker.check(h.history());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("recovered")).isEqualTo(1);
        assertThat(r.count("lost")).isZero();
        assertThat(r.count("read")).isEqualTo(3);
    }

    @Test
    void anOkAddMissingFromTheFinalReadIsLost() {
        Hist h = new Hist().invoke(0, "add", 1L).ok(0).invoke(1, "add", 2L).ok(1)
                .invoke(0, "read", null).ok(0, list(2L));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.count("lost")).isEqualTo(1);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("lost");
            assertThat(a.events()).containsExactly(0L, 1L, 4L, 5L);
        });
    }

    @Test
    void anElementNoAddInvokedIsUnexpected() {
        Hist h = new Hist().invoke(0, "add", 1L).ok(0).invoke(0, "read", null).ok(0, list(1L, 9L));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("unexpected");
            assertThat(a.detail()).contains("element 9");
        });
    }

    @Test
    void anElementWhoseAddFailedMustNotBeThere() {
        Hist h = new Hist().invoke(0, "add", 1L).fail(0, "NODEEXISTS").invoke(0, "read", null).ok(0, list(1L));
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> assertThat(a.kind()).isEqualTo("present-after-fail"));
    }

    @Test
    void withoutAFinalReadTheVerdictIsUnknown() {
        Result r = checker.check(new Hist().invoke(0, "add", 1L).ok(0).ops());
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.note()).contains("no OK final read");
    }
}
