package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UniqueIdsCheckerTest {
    private final Checker checker = new UniqueIdsChecker();

    @Test
    void distinctNamesAreValid() {
        Hist h = new Hist().invoke(0, "generate", null).ok(0, "/unique-ids/id-0000000000")
                .invoke(1, "generate", null).ok(1, "/unique-ids/id-0000000001")
                .invoke(2, "generate", null).info(2, "CONNECTIONLOSS");
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("ok")).isEqualTo(2);
        assertThat(r.count("info")).isEqualTo(1);
    }

    @Test
    void aNameReturnedTwiceIsDuplicated() {
        Hist h = new Hist().invoke(0, "generate", null).ok(0, "/unique-ids/id-0000000007")
                .invoke(1, "generate", null).ok(1, "/unique-ids/id-0000000008")
                .invoke(2, "generate", null).ok(2, "/unique-ids/id-0000000007");
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("duplicated");
            assertThat(a.events()).containsExactly(0L, 1L, 4L, 5L);
            assertThat(a.detail()).contains("id-0000000007");
        });
    }
}
