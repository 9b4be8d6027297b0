package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pipelined read-index rounds ({@link ReadRounds}, {@link FollowerReads}): more than one round in flight at the leader,
 * each confirming only the reads registered before it began; more than one batch out per follower; and a follower's
 * read-index messages leave while its fsync runs ({@link ZabNode#takeUnordered}).
 */
class PipelinedReadsTest {

    @Test
    void aSecondRoundStartsWhileTheFirstIsOutAndEachConfirmsOnlyTheReadsBeforeIt() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        leader.requestRead(1);
        c.drain(3);
        assertThat(queued(c, 3, 1, Message.ReadRound.class)).hasSize(1);

        // A write commits and is applied after round 1 began; read 2 is registered after that.
        Zxid w = commitOne(c);
        leader.requestRead(2);
        c.drain(3);
        List<Message.ReadRound> rounds = queued(c, 3, 1, Message.ReadRound.class);
        assertThat(rounds).as("round 2 goes out before round 1 is answered").hasSize(2);

        c.deliverAll(3, 1);
        c.deliverAll(1, 3);
        Map<Long, Zxid> confirmed = confirmed(leader);
        assertThat(confirmed.get(1L)).as("read 1: round 1's commit point").isNotNull();
        assertThat(confirmed.get(1L).counter()).isLessThan(w.counter());
        assertThat(confirmed.get(2L).counter()).as("read 2 was asked after %s was applied", w)
                .isGreaterThanOrEqualTo(w.counter());
    }

    @Test
    void anAnswerToALaterRoundConfirmsTheEarlierOnesToo() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = twoReadsAt(c, 3);
        List<Message.ReadRound> rounds = queued(c, 3, 2, Message.ReadRound.class);
        assertThat(rounds).hasSize(2);
        // Follower 2's answer to round 1 is lost; its answer to round 2 vouches for both.
        leader.step(2, new Message.ReadRoundAck(rounds.get(1).epoch(), rounds.get(1).round()));
        c.drain(3);
        assertThat(confirmed(leader)).containsOnlyKeys(1L, 2L);
    }

    @Test
    void aFollowerAsksForANewIndexWhileOneIsOutAndGetsBoth() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode follower = twoReadsAt(c, 1);
        assertThat(queued(c, 1, 3, Message.ReadIndexRequest.class)).as("two batches out").hasSize(2);
        c.settle();
        assertThat(confirmed(follower)).containsOnlyKeys(1L, 2L);
    }

    @Test
    void aFollowersReadMessagesLeaveWhileItsFsyncRuns() {
        ManualCluster c = BroadcastTest.establishedCluster();
        ZabNode leader = c.node(3);
        ZabNode slow = c.node(2);
        leader.propose(new byte[] {1});
        c.drain(3);
        slow.step(3, c.link(3, 2).pollFirst());
        Ready writing = slow.ready();
        assertThat(writing.mustPersist()).isTrue();

        // While that fsync runs: a read round arrives, and a read of its own is registered.
        leader.requestRead(1);
        c.drain(3);
        EarlyApplyTest.stepThrough(c, 3, slow, Message.ReadRound.class);
        slow.requestRead(7);
        assertThat(slow.hasReady()).as("one Ready at a time").isFalse();
        List<Outbound> now = slow.takeUnordered();
        assertThat(now).extracting(o -> o.message().getClass().getSimpleName())
                .containsExactly("ReadRoundAck", "ReadIndexRequest");
        assertThat(slow.takeUnordered()).isEmpty();
        slow.advance(writing);
    }

    /** Registers reads 1 and 2 at {@code id}, each in its own Ready (so each may go out on its own). */
    private static ZabNode twoReadsAt(ManualCluster c, int id) {
        ZabNode n = c.node(id);
        n.requestRead(1);
        c.drain(id);
        n.requestRead(2);
        c.drain(id);
        return n;
    }

    /** Proposes one write and lets it commit on leader 3 and follower 1, applied at both. */
    private static Zxid commitOne(ManualCluster c) {
        Zxid w = c.node(3).propose(new byte[] {9});
        c.drain(3);
        // Deliver only the proposal to 1 (the read rounds stay queued behind it on the same link) and its ACK back.
        List<Message> held = new ArrayList<>(c.link(3, 1));
        c.link(3, 1).clear();
        for (Message m : held) {
            if (m instanceof Message.Proposal) {
                c.node(1).step(3, m);
            } else {
                c.link(3, 1).addLast(m);
            }
        }
        c.drain(1);
        c.deliverAll(1, 3);
        assertThat(c.node(3).committedZxid()).isEqualTo(w);
        assertThat(c.applied.get(3)).extracting(Txn::zxid).contains(w);
        return w;
    }

    private static <T extends Message> List<T> queued(ManualCluster c, int from, int to, Class<T> type) {
        return c.link(from, to).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Map<Long, Zxid> confirmed(ZabNode n) {
        return n.takeConfirmedReads().stream().collect(Collectors.toMap(ReadIndex::id, ReadIndex::index,
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
