package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyncPlannerTest {
    private static Zxid z(long e, long c) {
        return new Zxid(e, c);
    }

    @Test
    void followerBehindGetsDiffFromItsLast() {
        assertThat(SyncPlanner.commonPoint(List.of(Zxid.ZERO, z(1, 1), z(2, 6)), z(2, 9), List.of(Zxid.ZERO, z(1, 1)), z(1, 5)))
                .isEqualTo(z(1, 5));
    }

    @Test
    void oldLeaderWithUncommittedTailIsTruncatedToTheFork() {
        // Leader: 1:1..1:3 then epoch 2 from 4. Old leader: 1:1..1:5 (1:4, 1:5 never committed).
        assertThat(SyncPlanner.commonPoint(List.of(Zxid.ZERO, z(1, 1), z(2, 4)), z(2, 8), List.of(Zxid.ZERO, z(1, 1)), z(1, 5)))
                .isEqualTo(z(1, 3));
    }

    @Test
    void epochTheLeaderNeverSawIsCutAtTheLastSharedEpoch() {
        // Follower led epoch 2 briefly (2:4) and nobody else got it; leader is in epoch 3.
        assertThat(SyncPlanner.commonPoint(List.of(Zxid.ZERO, z(1, 1), z(3, 4)), z(3, 6), List.of(Zxid.ZERO, z(1, 1), z(2, 4)), z(2, 4)))
                .isEqualTo(z(1, 3));
    }

    @Test
    void followerBehindTheLeadersSnapshotSharesNothing() {
        assertThat(SyncPlanner.commonPoint(List.of(z(3, 100)), z(3, 120), List.of(Zxid.ZERO, z(1, 1)), z(1, 5))).isNull();
        assertThat(SyncPlanner.commonPoint(List.of(z(3, 100)), z(3, 120), List.of(Zxid.ZERO, z(3, 90)), z(3, 95))).isNull();
    }

    @Test
    void followerAheadOfTheLeadersSnapshotInTheSameEpoch() {
        assertThat(SyncPlanner.commonPoint(List.of(z(3, 100)), z(3, 120), List.of(Zxid.ZERO, z(3, 90)), z(3, 110)))
                .isEqualTo(z(3, 110));
    }
}
