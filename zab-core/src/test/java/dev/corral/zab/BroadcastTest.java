package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The happy path, by hand: election, discovery, sync, pipelined broadcast, commit on a quorum. */
class BroadcastTest {

    static ManualCluster establishedCluster() {
        ManualCluster c = new ManualCluster(3);
        // Real election: every peer starts LOOKING; re-send votes with a tick and let them settle.
        for (int id = 1; id <= 3; id++) {
            c.tick(id, 1);
        }
        c.settle();
        assertThat(c.node(3).isEstablishedLeader()).isTrue(); // highest id wins a tie
        return c;
    }

    @Test
    void electsTheHighestIdOnEqualHistoriesAndCommitsOnAQuorum() {
        ManualCluster c = establishedCluster();
        ZabNode leader = c.node(3);
        assertThat(leader.leaderEpoch()).isEqualTo(1);
        assertThat(c.node(1).leaderId()).isEqualTo(3);
        assertThat(c.node(1).isSyncedFollower()).isTrue();

        Zxid a = leader.propose(new byte[] {1});
        Zxid b = leader.propose(new byte[] {2});
        assertThat(a).isEqualTo(new Zxid(1, 1));
        assertThat(b).isEqualTo(new Zxid(1, 2));
        c.drain(3);
        // Only follower 1 hears about it: leader + 1 is a quorum.
        c.deliverAll(3, 1);
        c.deliverAll(1, 3);
        assertThat(leader.committedZxid()).isEqualTo(b);
        c.deliverAll(3, 1);
        assertThat(c.applied.get(1)).extracting(Txn::zxid).containsExactly(a, b);
        assertThat(c.applied.get(3)).extracting(Txn::zxid).containsExactly(a, b);
        assertThat(c.applied.get(2)).isEmpty();
    }

    @Test
    void theLeadersProposalsMayGoBeforeItsFsyncButItCountsItselfOnlyOnceDurable() {
        ManualCluster c = establishedCluster();
        ZabNode leader = c.node(3);
        Zxid a = leader.propose(new byte[] {1});
        Ready r = leader.ready();
        assertThat(r.entries()).extracting(Txn::zxid).containsExactly(a);
        assertThat(r.sendFirst()).extracting(Outbound::to).containsExactlyInAnyOrder(1, 2);
        assertThat(r.sendFirst()).allMatch(o -> o.message() instanceof Message.Proposal);
        assertThat(r.messages()).isEmpty();
        // The host sent them and is still fsyncing: follower 1 persists and ACKs first.
        for (Outbound o : r.sendFirst()) {
            c.link(3, o.to()).addLast(o.message());
        }
        c.deliverAll(3, 1);
        Message ack = c.link(1, 3).pollFirst();
        assertThat(ack).isInstanceOf(Message.Ack.class);
        leader.step(1, ack);
        assertThat(leader.committedZxid()).as("follower 1 alone is no quorum while the leader's own copy is not durable")
                .isEqualTo(Zxid.ZERO);
        c.applied.get(3).addAll(r.committed());
        leader.advance(r);
        assertThat(leader.committedZxid()).isEqualTo(a);
        // Follower 2's ACK (with follower 1's) would have been a quorum without the leader.
        Zxid b = leader.propose(new byte[] {2});
        Ready r2 = leader.ready();
        for (Outbound o : r2.sendFirst()) {
            c.link(3, o.to()).addLast(o.message());
        }
        c.deliverAll(3, 1);
        c.deliverAll(3, 2);
        c.deliverAll(1, 3);
        c.deliverAll(2, 3);
        assertThat(leader.committedZxid()).isEqualTo(b);
        c.applied.get(3).addAll(r2.committed());
        leader.advance(r2);
        c.drain(3);
        assertThat(c.applied.get(3)).extracting(Txn::zxid).containsExactly(a, b);
    }

    @Test
    void aPeerThatChoseALeaderWhoFollowsAnotherLooksAgainWithoutWaitingOutInitLimit() {
        ManualCluster c = new ManualCluster(3);
        // Node 1 hears only node 2's vote: the two agree, and after one tick node 1 follows node 2.
        c.tick(2, 1);
        c.deliverAll(2, 1);
        c.tick(1, 1);
        assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWING);
        assertThat(c.node(1).leaderId()).isEqualTo(2);
        // Node 2 then hears node 3, which beats it, and follows node 3 (the race of peers starting together).
        c.tick(3, 1);
        c.deliverAll(3, 2);
        c.tick(2, 1);
        assertThat(c.node(2).role()).isEqualTo(Role.FOLLOWING);
        assertThat(c.node(2).leaderId()).isEqualTo(3);
        // Node 1's re-sent FOLLOWERINFO (alone: its older messages to node 2 are lost) reaches node 2, which
        // answers with its decision: node 1 looks again at once.
        c.drop(1, 2);
        c.tick(1, 1);
        c.deliverAll(1, 2);
        c.deliverAll(2, 1);
        assertThat(c.node(1).role()).isEqualTo(Role.LOOKING);
        // ... and joins node 3 (initLimit is 10 ticks; this takes a few).
        for (int i = 0; i < 3 && !(c.node(1).isSyncedFollower() && c.node(3).isEstablishedLeader()); i++) {
            for (int id = 1; id <= 3; id++) {
                c.tick(id, 1);
            }
            c.settle();
        }
        assertThat(c.node(3).isEstablishedLeader()).isTrue();
        assertThat(c.node(1).isSyncedFollower()).isTrue();
        assertThat(c.node(1).leaderId()).isEqualTo(3);
    }

    @Test
    void aFollowerCannotPropose() {
        ManualCluster c = establishedCluster();
        assertThatThrownBy(() -> c.node(1).propose(new byte[0]))
                .isInstanceOf(NotLeaderException.class)
                .extracting(e -> ((NotLeaderException) e).leaderId()).isEqualTo(3);
    }

    @Test
    void aFollowerThatLosesItsLeadersConnectionLooksAtOnce() {
        ManualCluster c = establishedCluster();
        c.node(1).peerUnreachable(2); // not its leader: nothing changes
        assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWING);
        c.node(3).peerUnreachable(1); // a leader is not moved by one follower's link
        assertThat(c.node(3).role()).isEqualTo(Role.LEADING);
        c.node(1).peerUnreachable(3);
        assertThat(c.node(1).role()).isEqualTo(Role.LOOKING);
        assertThat(c.node(2).role()).isEqualTo(Role.FOLLOWING);
    }

    @Test
    void aPeerWhoseLinkOpensHearsTheVoteOrTheDecisionWithoutWaitingForATick() {
        ManualCluster c = establishedCluster();
        c.node(1).peerUnreachable(3);
        assertThat(c.node(1).role()).isEqualTo(Role.LOOKING);
        c.drain(1);
        c.clearAll(); // its vote went out while the links were down: lost
        c.node(1).peerReachable(3);
        c.drain(1);
        assertThat(c.link(1, 3)).singleElement().isInstanceOfSatisfying(Message.Notification.class,
                n -> assertThat(n.state()).isEqualTo(Role.LOOKING));
        c.clearAll(); // and the answer to it too
        // The others' links to it open: each tells it what it decided, and that is enough to follow at once.
        c.node(2).peerReachable(1);
        c.node(3).peerReachable(1);
        c.drain(2);
        c.drain(3);
        c.deliverAll(2, 1);
        c.deliverAll(3, 1);
        assertThat(c.node(1).role()).isEqualTo(Role.FOLLOWING);
        assertThat(c.node(1).leaderId()).isEqualTo(3);
        c.settle();
        assertThat(c.node(1).isSyncedFollower()).isTrue();
    }

    @Test
    void aLeaderWithoutAQuorumStepsDown() {
        ManualCluster c = establishedCluster();
        c.tick(3, Simulation_SYNC_LIMIT + 2);
        assertThat(c.node(3).role()).isEqualTo(Role.LOOKING);
    }

    private static final int Simulation_SYNC_LIMIT = 5;
}
