package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A committed transaction is applied while this peer's own fsync still runs ({@link ZabNode#takeCommitted}), and the
 * leader's COMMIT leaves without waiting for its fsync of later entries ({@link ZabNode#takeCommitBroadcast}).
 */
class EarlyApplyTest {

    @Test
    void aFollowerAppliesAnEntryAQuorumCommittedWhileItsOwnFsyncOfItRuns() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        ZabNode slow = c.node(2);
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        c.deliverAll(3, 1);
        c.deliverAll(1, 3);
        c.drain(3);
        assertThat(leader.committedZxid()).isEqualTo(a);

        // Follower 2 wrote the proposal and is still fsyncing it when the leader's SYNCED and then COMMIT arrive.
        slow.step(3, c.link(3, 2).pollFirst());
        Ready writing = slow.ready();
        assertThat(writing.entries()).extracting(Txn::zxid).containsExactly(a);
        assertThat(writing.committed()).isEmpty();
        Message synced = c.link(3, 2).pollFirst();
        assertThat(synced).isEqualTo(new Message.Synced(1, a));
        slow.step(3, synced);
        assertThat(slow.committedZxid()).as("the leader's durable copy alone is no quorum").isNotEqualTo(a);
        slow.step(3, c.link(3, 2).pollFirst());
        assertThat(slow.committedZxid()).isEqualTo(a);
        assertThat(slow.hasReady()).as("one Ready at a time").isFalse();

        assertThat(slow.takeCommitted()).extracting(Txn::zxid).containsExactly(a);
        assertThat(slow.takeCommitted()).isEmpty();
        slow.advance(writing);
        if (slow.hasReady()) {
            assertThat(slow.ready().committed()).as("not handed out twice").isEmpty();
        }
    }

    @Test
    void onlyEntriesAlreadyHandedToTheHostAreAppliedEarly() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        ZabNode slow = c.node(2);
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        slow.step(3, c.link(3, 2).pollFirst());
        Ready writing = slow.ready();
        // b reaches follower 2 during that fsync: in its log, but not yet handed out (not written).
        Zxid b = leader.propose(new byte[] {2});
        c.drain(3);
        stepThrough(c, 3, slow, Message.Proposal.class);
        assertThat(slow.lastZxid()).isEqualTo(b);
        c.deliverAll(3, 1);
        c.deliverAll(1, 3);
        c.drain(3);
        assertThat(leader.committedZxid()).isEqualTo(b);
        c.deliverAll(3, 2);
        assertThat(slow.committedZxid()).isEqualTo(b);

        assertThat(slow.takeCommitted()).extracting(Txn::zxid).containsExactly(a);
        slow.advance(writing);
        Ready next = slow.ready();
        assertThat(next.entries()).extracting(Txn::zxid).containsExactly(b);
        assertThat(next.committed()).extracting(Txn::zxid).containsExactly(b);
    }

    @Test
    void theLeaderSendsItsCommitDuringItsFsyncAndKeepsBatchingItsProposals() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        Zxid b = leader.propose(new byte[] {2});
        Ready fsyncing = leader.ready();
        assertThat(fsyncing.entries()).extracting(Txn::zxid).containsExactly(b);
        assertThat(fsyncing.messages()).isEmpty();
        for (Outbound o : fsyncing.sendFirst()) {
            c.link(3, o.to()).addLast(o.message());
        }
        c.deliverAll(3, 1);
        c.drain(1);
        c.deliverAll(1, 3);
        // Follower 1 has a and b; the leader's b is not durable yet: a is committed, b not.
        assertThat(leader.committedZxid()).isEqualTo(a);
        Zxid d = leader.propose(new byte[] {3});

        List<Outbound> now = leader.takeCommitBroadcast();
        assertThat(now).extracting(Outbound::to).containsExactlyInAnyOrder(1, 2);
        assertThat(now).extracting(Outbound::message).containsOnly(new Message.Commit(1, a));
        assertThat(leader.takeCommitBroadcast()).isEmpty();
        assertThat(leader.takeCommitted()).extracting(Txn::zxid).containsExactly(a);

        leader.advance(fsyncing);
        Ready next = leader.ready();
        assertThat(next.entries()).extracting(Txn::zxid).containsExactly(d);
        assertThat(next.sendFirst()).extracting(Outbound::message)
                .contains(new Message.Proposal(1, List.of(new Txn(d, new byte[] {3}))))
                .contains(new Message.Commit(1, b));
        assertThat(next.committed()).extracting(Txn::zxid).containsExactly(b);
    }

    @Test
    void aHeartbeatDoesNotHoldBackTheLeadersCommitDuringItsFsync() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        Zxid a = leader.propose(new byte[] {1});
        leader.tick(); // a heartbeat between the proposal and its Ready
        Ready fsyncing = leader.ready();
        assertThat(fsyncing.messages()).as("nothing that must wait for the fsync").isEmpty();
        assertThat(fsyncing.sendFirst()).extracting(Outbound::message)
                .contains(new Message.Proposal(1, List.of(new Txn(a, new byte[] {1}))))
                .hasAtLeastOneElementOfType(Message.Ping.class);
        for (Outbound o : fsyncing.sendFirst()) {
            c.link(3, o.to()).addLast(o.message());
        }
        leader.tick(); // and another while the fsync runs
        c.deliverAll(3, 1);
        c.deliverAll(3, 2);
        c.drain(1);
        c.drain(2);
        c.deliverAll(1, 3);
        c.deliverAll(2, 3);
        assertThat(leader.committedZxid()).isEqualTo(a);

        List<Outbound> now = leader.takeCommitBroadcast();
        assertThat(now).extracting(Outbound::message).contains(new Message.Commit(1, a));
        assertThat(now).extracting(Outbound::to).containsOnly(1, 2);
        assertThat(leader.takeCommitted()).extracting(Txn::zxid).containsExactly(a);
    }

    /** Steps the messages from {@code from} into {@code node} up to the first of {@code type}, without a Ready. */
    static void stepThrough(ManualCluster c, int from, ZabNode node, Class<? extends Message> type) {
        Message m;
        do {
            m = c.link(from, node.id()).pollFirst();
            node.step(from, m);
        } while (!type.isInstance(m));
    }
}
