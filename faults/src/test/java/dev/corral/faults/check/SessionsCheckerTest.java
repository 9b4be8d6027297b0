package dev.corral.faults.check;

import static dev.corral.faults.check.Hist.list;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionsCheckerTest {
    private final Checker checker = new SessionsChecker();

    /** Session 0x1 lives throughout; session 0x2 expires. */
    private static Hist twoSessions() {
        return new Hist()
                .invoke(0, "open", null, null).ok(0, "0x1")
                .invoke(1, "open", null, null).ok(1, "0x2")
                .invoke(0, "create-ephemeral", "0x1", null).ok(0, "/sessions/e-0x1")
                .invoke(1, "create-ephemeral", "0x2", null).ok(1, "/sessions/e-0x2")
                .invoke(0, "check-own", "0x1", null).ok(0, true)
                .invoke(1, "write", "0x2", 5L).ok(1)
                .pair(1, "expired", "0x2", null)
                .invoke(1, "write", "0x2", 6L).fail(1, "SESSIONEXPIRED")
                .invoke(1, "check-own", "0x2", null).ok(1, false);
    }

    @Test
    void aHealthyHistoryIsValid() {
        Hist h = twoSessions().invoke(9, "final-ephemerals", null, null).ok(9, list("e-0x1"));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("sessions")).isEqualTo(2);
        assertThat(r.count("expired")).isEqualTo(1);
    }

    @Test
    void aLiveSessionMissingItsEphemeral() {
        Hist h = twoSessions().invoke(0, "check-own", "0x1", null).ok(0, false)
                .invoke(9, "final-ephemerals", null, null).ok(9, list("e-0x1"));
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("ephemeral-missing");
            assertThat(a.events()).containsExactly(4L, 5L, 18L, 19L);
        });
    }

    @Test
    void aWriteCompletedAfterTheSessionSawItsExpiry() {
        Hist h = twoSessions().invoke(1, "write", "0x2", 7L).ok(1)
                .invoke(9, "final-ephemerals", null, null).ok(9, list("e-0x1"));
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("write-after-expiry");
            assertThat(a.events()).containsExactly(12L, 13L, 18L, 19L);
        });
    }

    @Test
    void anEphemeralOfAnExpiredSessionSurvives() {
        Hist h = twoSessions().invoke(9, "final-ephemerals", null, null).ok(9, list("e-0x1", "e-0x2"));
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("ephemeral-survived");
            assertThat(a.detail()).contains("e-0x2");
        });
    }

    @Test
    void withoutTheFinalReadTheVerdictIsUnknown() {
        Result r = checker.check(twoSessions().ops());
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    }
}
