package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Leadership transfer by hand: the leader stops proposing, waits until the target holds everything committed, then
 * every peer elects the target although a higher id would win the ordinary tie-break.
 */
class LeadershipTransferTest {

    @Test
    void leaderHandsOverToTheTargetWhichWinsAgainstAHigherId() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        c.settle();

        assertThat(leader.transferLeadership(1)).isNull();
        assertThat(leader.canPropose()).isFalse();
        assertThatThrownBy(() -> leader.propose(new byte[] {2})).isInstanceOf(NotLeaderException.class);
        c.settle();
        for (int round = 0; round < 3 && !c.node(1).isEstablishedLeader(); round++) {
            for (int id = 1; id <= 3; id++) {
                c.tick(id, 1);
            }
            c.settle();
        }

        assertThat(c.node(1).isEstablishedLeader()).isTrue();
        assertThat(c.node(3).leaderId()).isEqualTo(1);
        assertThat(c.node(2).leaderId()).isEqualTo(1);
        assertThat(c.node(1).leaderEpoch()).isEqualTo(2);
        // Nothing committed before the hand-over is lost, and the new leader proposes after it.
        Zxid b = c.node(1).propose(new byte[] {3});
        c.drain(1);
        c.settle();
        c.drainAll();
        for (int id = 1; id <= 3; id++) {
            assertThat(c.applied.get(id)).extracting(Txn::zxid).containsExactly(a, b);
        }
    }

    @Test
    void theLeaderWaitsForTheTargetToHoldEverythingBeforeSteppingDown() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        leader.propose(new byte[] {1});
        c.drain(3);
        // Only follower 2 acks: the entry commits, but target 1 has not got it yet.
        c.deliverAll(3, 2);
        c.deliverAll(2, 3);
        c.drain(3);
        assertThat(leader.transferLeadership(1)).isNull();
        c.drain(3);
        assertThat(leader.role()).isEqualTo(Role.LEADING);
        assertThat(c.link(3, 2)).noneMatch(m -> m instanceof Message.TakeOver);
        // Target 1 receives and acks: now the leader hands over.
        c.deliverAll(3, 1);
        c.deliverAll(1, 3);
        c.drain(3);
        assertThat(leader.role()).isEqualTo(Role.LOOKING);
        assertThat(c.link(3, 2)).anyMatch(m -> m instanceof Message.TakeOver t && t.target() == 1);
    }

    @Test
    void aFollowerAsksToLeadAndAYieldPicksTheMostCaughtUpFollower() {
        ManualCluster c = BroadcastTest.establishedCluster();
        assertThat(c.node(2).transferLeadership(2)).isNull();
        settleRounds(c, 2);
        assertThat(c.node(2).isEstablishedLeader()).isTrue();

        assertThat(c.node(2).yieldLeadership()).isNull();
        settleRounds(c, 2);
        assertThat(c.node(2).isEstablishedLeader()).isFalse();
        assertThat(c.node(1).isEstablishedLeader() || c.node(3).isEstablishedLeader()).isTrue();
    }

    @Test
    void refusesWhatCannotBeDone() {
        ManualCluster c = BroadcastTest.establishedCluster();
        assertThat(c.node(3).transferLeadership(3)).contains("already leads");
        assertThat(c.node(3).transferLeadership(7)).contains("not a voting member");
        assertThat(c.node(1).transferLeadership(2)).contains("only the leader");
        assertThat(c.node(1).yieldLeadership()).contains("does not lead");
        assertThat(c.node(3).transferLeadership(1)).isNull();
        assertThat(c.node(3).role() == Role.LOOKING || c.node(3).transferLeadership(2) != null).isTrue();
    }

    @Test
    void aTargetThatNeverCatchesUpEndsInAnOrdinaryElection() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        leader.propose(new byte[] {1});
        c.drain(3);
        c.deliverAll(3, 2);
        c.deliverAll(2, 3);
        c.drain(3);
        c.drop(3, 1); // the target never gets the entry
        assertThat(leader.transferLeadership(1)).isNull();
        c.tick(3, leader.config.syncLimit() + 1);
        assertThat(leader.role()).isNotEqualTo(Role.LEADING);
    }

    private static void settleRounds(ManualCluster c, int rounds) {
        c.settle();
        for (int round = 0; round < rounds; round++) {
            for (int id = 1; id <= 3; id++) {
                c.tick(id, 1);
            }
            c.settle();
        }
    }
}
