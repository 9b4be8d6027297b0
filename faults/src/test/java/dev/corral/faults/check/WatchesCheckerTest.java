package dev.corral.faults.check;

import static dev.corral.faults.check.Hist.list;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchesCheckerTest {
    private final Checker checker = new WatchesChecker();

    private static Hist write(Hist h, int process, String key, long v, Long mzxid) {
        h.invoke(process, "write", key, v);
        return mzxid == null ? h.info(process, "CONNECTIONLOSS") : h.ok(process, list(v, mzxid));
    }

    private static Hist event(Hist h, int watcher, String key, long zxid) {
        return h.pair(watcher, "event", null, list("NodeDataChanged", "/watches/" + key, zxid));
    }

    @Test
    void everyWriteNotifiedInOrderIsValid() {
        Hist h = new Hist();
        write(h, 0, "w0", 1L, 100L);
        event(h, 9, "w0", 100L);
        write(h, 0, "w1", 2L, 101L);
        write(h, 1, "w0", 3L, null); // INFO, took effect at 102
        event(h, 9, "w1", 101L);
        event(h, 9, "w0", 102L);
        write(h, 0, "w0", 4L, 103L);
        event(h, 9, "w0", 103L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("events")).isEqualTo(4);
        assertThat(r.count("watchers")).isEqualTo(1);
    }

    @Test
    void zxidsGoingBackwardsAreOutOfOrder() {
        Hist h = new Hist();
        write(h, 0, "w0", 1L, 100L);
        write(h, 0, "w1", 2L, 101L);
        event(h, 9, "w1", 101L);
        event(h, 9, "w0", 100L);
        Result r = checker.check(h.ops());
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("zxid-order");
            assertThat(a.events()).containsExactly(5L, 7L);
        });
    }

    @Test
    void aNotificationOfAWriteNobodyMadeIsAPhantom() {
        Hist h = new Hist();
        write(h, 0, "w0", 1L, 100L);
        event(h, 9, "w0", 100L);
        event(h, 9, "w1", 100L); // right zxid, wrong path
        event(h, 9, "w0", 105L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.count("phantom")).isEqualTo(2);
        assertThat(r.anomalies()).extracting(Anomaly::kind).contains("phantom");
    }

    @Test
    void oneInfoWriteExplainsOneZxidNotTwoAndNotBeforeItsInvoke() {
        Hist h = new Hist();
        event(h, 9, "w0", 99L); // before the INFO write was even invoked
        write(h, 1, "w0", 3L, null);
        event(h, 9, "w0", 102L);
        event(h, 9, "w0", 104L);
        Result r = checker.check(h.ops());
        assertThat(r.count("phantom")).isEqualTo(2);
        assertThat(r.anomalies()).allSatisfy(a -> assertThat(a.kind()).isEqualTo("phantom"))
                .extracting(a -> a.events().get(0)).containsExactly(0L, 6L);
    }

    @Test
    void aWriteSkippedWhileConnectedIsMissed() {
        Hist h = new Hist();
        write(h, 0, "w0", 1L, 100L);
        write(h, 0, "w1", 2L, 101L);
        write(h, 0, "w0", 3L, 102L);
        event(h, 9, "w0", 100L);
        event(h, 9, "w0", 102L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("missed");
            assertThat(a.events()).containsExactly(2L, 3L, 7L, 9L);
            assertThat(a.detail()).contains("mzxid 101");
        });
    }

    @Test
    void aWriteDuringADisconnectionMayBeMissed() {
        Hist h = new Hist();
        write(h, 0, "w0", 1L, 100L);
        event(h, 9, "w0", 100L);
        h.pair(9, "disconnected", null, null);
        write(h, 0, "w1", 2L, 101L);
        h.pair(9, "reconnected", null, null);
        write(h, 0, "w0", 3L, 102L);
        event(h, 9, "w0", 102L);
        assertThat(checker.check(h.ops()).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void notificationsWithoutZxidAreCountedNotJudged() {
        Hist h = new Hist();
        event(h, 9, "w5", -1L);
        Result r = checker.check(h.ops());
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.count("events-without-zxid")).isEqualTo(1);
        assertThat(r.note()).contains("no zxid");
    }
}
