package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.zab.DurableState;
import dev.corral.zab.HardState;
import dev.corral.zab.Ready;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZabLogStoreTest {

    @TempDir
    Path dir;

    static Txn txn(long epoch, long counter) {
        return new Txn(new Zxid(epoch, counter), ("t" + epoch + ":" + counter).getBytes(StandardCharsets.UTF_8));
    }

    static List<Txn> txns(long epoch, long from, long to) {
        List<Txn> out = new ArrayList<>();
        for (long c = from; c <= to; c++) {
            out.add(txn(epoch, c));
        }
        return out;
    }

    static Ready ready(HardState hs, Zxid trunc, Zxid install, List<Txn> entries) {
        return new Ready(hs, trunc, install, entries, List.of(), List.of());
    }

    @Test
    void emptyStoreRecoversAsAFreshPeer() {
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.recover(0)).isEqualTo(DurableState.EMPTY);
            assertThat(s.lastZxid()).isEqualTo(Zxid.ZERO);
            assertThat(s.pendingInstall()).isNull();
        }
    }

    @Test
    void epochsAndEntriesSurviveReopen() {
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            s.persist(ready(new HardState(2, 1), null, null, txns(1, 1, 5)));
            s.persist(ready(null, null, null, txns(2, 6, 8)));
        }
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.hardState()).isEqualTo(new HardState(2, 1));
            assertThat(s.lastZxid()).isEqualTo(new Zxid(2, 8));
            DurableState d = s.recover(3);
            assertThat(d.acceptedEpoch()).isEqualTo(2);
            assertThat(d.currentEpoch()).isEqualTo(1);
            assertThat(d.appliedZxid()).isEqualTo(new Zxid(1, 3));
            assertThat(d.log()).containsExactlyElementsOf(concat(txns(1, 1, 5), txns(2, 6, 8)));
        }
    }

    @Test
    void truncationDropsTheTailThenAppendsContinue() {
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            s.persist(ready(null, null, null, txns(1, 1, 10)));
            s.persist(ready(new HardState(3, 3), new Zxid(1, 6), null, txns(3, 7, 9)));
            assertThat(s.lastZxid()).isEqualTo(new Zxid(3, 9));
        }
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.recover(0).log()).containsExactlyElementsOf(concat(txns(1, 1, 6), txns(3, 7, 9)));
        }
    }

    @Test
    void aWriteIsReadAtOnceAndAfterItsSyncSurvivesReopen() {
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            s.persist(ready(new HardState(1, 1), null, null, txns(1, 1, 2)));
            s.write(ready(null, null, null, txns(1, 3, 5)));
            assertThat(s.lastZxid()).isEqualTo(new Zxid(1, 5));
            assertThat(s.read(2, 5)).containsExactlyElementsOf(txns(1, 3, 5));
            s.sync();
            assertThatThrownBy(() -> s.write(ready(null, null, new Zxid(1, 9), List.of())))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.recover(5).log()).containsExactlyElementsOf(txns(1, 1, 5));
        }
    }

    @Test
    void aStateMachineAheadOfTheLogRestartsTheLogThereInTheCurrentEpoch() {
        // Entries 6..9 of epoch 2 were applied once written; a power loss took them from the log before its fsync.
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            s.persist(ready(new HardState(2, 2), null, null, txns(1, 1, 3)));
            s.persist(ready(null, null, null, txns(2, 4, 5)));
            DurableState d = s.recover(9);
            assertThat(d.snapshotZxid()).isEqualTo(new Zxid(2, 9));
            assertThat(d.appliedZxid()).isEqualTo(new Zxid(2, 9));
            assertThat(d.log()).isEmpty();
            assertThat(d.currentEpoch()).isEqualTo(2);
        }
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.base()).as("the restart is durable").isEqualTo(new Zxid(2, 9));
            s.persist(ready(null, null, null, txns(2, 10, 10)));
            assertThat(s.recover(9).log()).containsExactly(txn(2, 10));
        }
    }

    @Test
    void compactionMovesTheBaseAndRecoveryStartsThere() {
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            s.persist(ready(null, null, null, txns(1, 1, 10)));
            s.compact(new Zxid(1, 7));
            assertThat(s.size()).isEqualTo(3);
            s.compact(new Zxid(1, 3)); // behind the base: nothing
            assertThatThrownBy(() -> s.compact(new Zxid(2, 8))).isInstanceOf(IllegalArgumentException.class);
        }
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.base()).isEqualTo(new Zxid(1, 7));
            DurableState d = s.recover(8);
            assertThat(d.snapshotZxid()).isEqualTo(new Zxid(1, 7));
            assertThat(d.log()).containsExactlyElementsOf(txns(1, 8, 10));
            assertThatThrownBy(() -> s.recover(5)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("covers 1:7..1:10");
            s.compact(new Zxid(1, 10));
            assertThat(s.recover(10).log()).isEmpty();
            assertThat(s.lastZxid()).isEqualTo(new Zxid(1, 10));
        }
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            assertThat(s.lastZxid()).isEqualTo(new Zxid(1, 10));
            s.persist(ready(null, null, null, txns(2, 11, 11)));
            assertThat(s.recover(10).log()).containsExactly(txn(2, 11));
        }
    }

    @Test
    void snapshotInstallEmptiesTheLogAndIsRecordedUntilCleared() {
        Path snap = dir.resolve("incoming");
        try (ZabLogStore s = ZabLogStore.open(dir.resolve("log"))) {
            s.persist(ready(null, null, null, txns(1, 1, 4)));
            assertThatThrownBy(() -> s.persist(ready(null, null, new Zxid(2, 20), List.of())))
                    .isInstanceOf(IllegalArgumentException.class);
            s.persist(ready(new HardState(3, 3), null, new Zxid(2, 20), txns(3, 21, 22)), snap);
        }
        try (ZabLogStore s = ZabLogStore.open(dir.resolve("log"))) {
            assertThat(s.pendingInstall()).isEqualTo(new ZabLogStore.PendingInstall(new Zxid(2, 20),
                    snap.toAbsolutePath()));
            assertThat(s.base()).isEqualTo(new Zxid(2, 20));
            assertThatThrownBy(() -> s.recover(4)).hasMessageContaining("pending");
            DurableState d = s.recover(20);
            assertThat(d.log()).containsExactlyElementsOf(txns(3, 21, 22));
            s.clearPendingInstall();
        }
        try (ZabLogStore s = ZabLogStore.open(dir.resolve("log"))) {
            assertThat(s.pendingInstall()).isNull();
        }
    }

    @Test
    void appendsMustFollowOn() {
        try (ZabLogStore s = ZabLogStore.open(dir)) {
            s.persist(ready(null, null, null, txns(1, 1, 3)));
            assertThatThrownBy(() -> s.persist(ready(null, null, null, txns(1, 5, 5))))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(s.lastZxid()).isEqualTo(new Zxid(1, 3));
            assertThat(s.read(1, 2)).containsExactlyElementsOf(txns(1, 2, 2));
        }
    }

    private static List<Txn> concat(List<Txn> a, List<Txn> b) {
        List<Txn> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
