package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TxnLogTest {
    private static Txn t(long e, long c) {
        return new Txn(new Zxid(e, c), new byte[] {(byte) c});
    }

    @Test
    void appendsTruncatesCompactsAndListsEpochRuns() {
        TxnLog log = new TxnLog(Zxid.ZERO, List.of());
        for (int c = 1; c <= 200; c++) {
            log.append(t(c <= 50 ? 1 : c <= 120 ? 2 : 4, c));
        }
        assertThat(log.epochStarts()).containsExactly(Zxid.ZERO, new Zxid(1, 1), new Zxid(2, 51), new Zxid(4, 121));
        log.compactTo(new Zxid(2, 60));
        assertThat(log.base()).isEqualTo(new Zxid(2, 60));
        assertThat(log.epochStarts()).containsExactly(new Zxid(2, 60), new Zxid(4, 121));
        assertThat(log.get(60)).isNull();
        assertThat(log.get(61)).isEqualTo(t(2, 61));
        log.truncateAfter(130);
        assertThat(log.lastZxid()).isEqualTo(new Zxid(4, 130));
        assertThat(log.slice(125, 130)).extracting(Txn::counter).containsExactly(126L, 127L, 128L, 129L, 130L);
        for (int c = 131; c <= 1000; c++) {
            log.append(t(5, c));
        }
        log.compactTo(new Zxid(5, 990));
        assertThat(log.size()).isEqualTo(10);
        assertThat(log.contains(new Zxid(5, 1000))).isTrue();
    }

    @Test
    void refusesGapsAndEpochRegressions() {
        TxnLog log = new TxnLog(Zxid.ZERO, List.of(t(2, 1)));
        assertThatThrownBy(() -> log.append(t(2, 3))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.append(t(1, 2))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.truncateAfter(-1)).isInstanceOf(IllegalStateException.class);
    }
}
