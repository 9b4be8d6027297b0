package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower that, with the leader, makes a quorum commits what both hold durably as soon as it knows (the leader's
 * SYNCED and its own fsync), without its ACK going to the leader and a COMMIT coming back; and whatever a follower may
 * have committed that way, a linearizable read sees.
 */
class FollowerCommitTest {

    @Test
    void aFollowerCommitsWhatItAndTheLeaderHoldDurablyBeforeTheLeaderKnows() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        assertThat(c.link(3, 1)).containsExactly(new Message.Proposal(1, List.of(new Txn(a, new byte[] {1}))),
                new Message.Synced(1, a));

        c.deliverAll(3, 1); // follower 1 writes, fsyncs (the cluster's drain), and has the leader's SYNCED
        assertThat(c.node(1).committedZxid()).isEqualTo(a);
        assertThat(c.applied.get(1)).extracting(Txn::zxid).containsExactly(a);
        assertThat(leader.committedZxid()).as("its ACK has not arrived").isNotEqualTo(a);

        // The leader's COMMIT, once the ACK arrives, changes nothing there and is not applied twice.
        c.deliverAll(1, 3);
        assertThat(leader.committedZxid()).isEqualTo(a);
        c.deliverAll(3, 1);
        assertThat(c.applied.get(1)).extracting(Txn::zxid).containsExactly(a);
    }

    @Test
    void theLeadersSyncedBeforeTheFollowersOwnFsyncCommitsNothingYet() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        ZabNode f = c.node(1);
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        f.step(3, c.link(3, 1).pollFirst());
        Ready writing = f.ready();
        f.step(3, c.link(3, 1).pollFirst());
        assertThat(f.committedZxid()).isNotEqualTo(a);
        assertThat(f.takeCommitted()).isEmpty();

        f.advance(writing); // its own fsync ends
        assertThat(f.committedZxid()).isEqualTo(a);
        assertThat(f.ready().committed()).extracting(Txn::zxid).containsExactly(a);
    }

    @Test
    void inFiveVotersALeaderAndOneFollowerAreNoQuorumSoNoSyncedGoesOut() {
        ManualCluster c = new ManualCluster(5);
        for (int id = 1; id <= 5; id++) {
            c.tick(id, 1);
        }
        c.settle();
        int leaderId = c.leader();
        assertThat(leaderId).isPositive();
        ZabNode leader = c.node(leaderId);
        int f = leaderId == 1 ? 2 : 1;
        Zxid a = leader.propose(new byte[] {1});
        c.drain(leaderId);
        assertThat(c.link(leaderId, f)).noneMatch(m -> m instanceof Message.Synced);
        c.deliverAll(leaderId, f);
        assertThat(c.node(f).committedZxid()).isNotEqualTo(a);
    }

    @Test
    void aReadRoundAfterASyncedNamesWhatAFollowerMayHaveCommittedOnIt() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        Zxid before = leader.committedZxid();
        Zxid a = leader.propose(new byte[] {1});
        c.drain(3);
        c.deliverAll(3, 1);
        assertThat(c.node(1).committedZxid()).as("follower 1 may answer its client now").isEqualTo(a);

        // A linearizable read at the leader, which has no ACK for a yet: its round is confirmed by follower 1 alone.
        leader.requestRead(42);
        c.drain(3);
        c.deliverAll(3, 1);
        stepOnly(c, 1, 3, Message.ReadRoundAck.class);
        List<ReadIndex> confirmed = leader.takeConfirmedReads();
        assertThat(leader.committedZxid()).isEqualTo(before);
        assertThat(confirmed).extracting(ReadIndex::index).containsExactly(a);
    }

    /** Steps into {@code to} only the first message of {@code type} waiting on from->to; the rest stays queued. */
    private static void stepOnly(ManualCluster c, int from, int to, Class<? extends Message> type) {
        Deque<Message> link = c.link(from, to);
        for (Iterator<Message> it = link.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (type.isInstance(m)) {
                it.remove();
                c.node(to).step(from, m);
                c.drain(to);
                return;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " on " + from + "->" + to + ": " + link);
    }
}
