package dev.corral.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scripted schedules from ZooKeeper's bug history. The checker still runs after every event; each test also asserts the
 * specific outcome.
 */
class HistoryScenariosTest {

    private static Simulation quiet(long seed) {
        return new Simulation(new SimConfig(3, seed, 0, 30_000, false, false, Set.of(), Boolean.getBoolean("zab.trace")));
    }

    private static int other(int a, int b) {
        return 6 - a - b;
    }

    private static Simulation establish(long seed) {
        Simulation sim = quiet(seed);
        sim.await("a leader", () -> sim.establishedLeader() > 0, 5_000);
        sim.proposeAt(sim.establishedLeader(), 5);
        sim.awaitConverged(5_000);
        return sim;
    }

    /**
     * ZOOKEEPER-3104 family: a follower ACKs NEWLEADER before the DIFF it received is on disk, then the quorum crashes
     * and the committed DIFF txns are gone. Here the ACK rides in the Ready behind the DIFF's fsync, so crashing every
     * peer right after the follower's new currentEpoch hits the disk loses nothing.
     */
    @Test
    void followerSyncedByDiffThenWholeQuorumCrashes() {
        Simulation sim = establish(11);
        int leader = sim.establishedLeader();
        int lagging = leader == 1 ? 2 : 1;
        sim.isolate(lagging);
        sim.proposeAt(leader, 20);
        sim.runFor(300);
        int committedBefore = sim.committedCount();
        assertThat(committedBefore).isGreaterThanOrEqualTo(25);
        assertThat(sim.host(lagging).durableLog.size()).isLessThan(committedBefore);

        sim.healNetwork();
        // The lagging peer notices the gap (the leader's ping says how far it sent), resyncs, and is sent a DIFF. The
        // Ready that makes the DIFF durable is the one carrying its NEWLEADER ACK: crash everyone right then.
        sim.await("DIFF durable on the lagging peer", () -> sim.host(lagging).durableLog.size() >= committedBefore, 10_000);
        for (int id = 1; id <= 3; id++) {
            sim.crash(id);
        }
        sim.runFor(50);
        for (int id = 1; id <= 3; id++) {
            sim.restart(id);
        }
        sim.awaitConverged(15_000);
        for (SimHost h : sim.hosts()) {
            assertThat(h.applied.size()).isGreaterThanOrEqualTo(committedBefore);
        }
    }

    /**
     * ZOOKEEPER-2678 / uncommitted txns applied during sync: an isolated leader logs proposals nobody ACKs, crashes,
     * and comes back as a follower. It must truncate them (TRUNC) and never apply them.
     */
    @Test
    void oldLeaderReturnsWithTxnsThatWereNeverCommitted() {
        Simulation sim = establish(12);
        int oldLeader = sim.establishedLeader();
        sim.isolate(oldLeader);
        List<Zxid> orphans = sim.proposeAt(oldLeader, 7); // logged locally, never ACKed
        sim.runFor(50);
        assertThat(sim.host(oldLeader).durableLog).extracting(Txn::zxid).containsAll(orphans);
        sim.crash(oldLeader);

        sim.await("a new leader", () -> sim.establishedLeader() > 0, 10_000);
        int before = sim.committedCount();
        sim.proposeAt(sim.establishedLeader(), 10); // the same counters, a newer epoch
        sim.await("the new leader commits", () -> sim.committedCount() >= before + 10, 10_000);
        sim.restart(oldLeader);
        sim.healNetwork();
        sim.awaitConverged(15_000);

        SimHost back = sim.host(oldLeader);
        assertThat(back.applied).extracting(Txn::zxid).doesNotContainAnyElementsOf(orphans);
        assertThat(back.durableLog).extracting(Txn::zxid).doesNotContainAnyElementsOf(orphans);
        assertThat(back.applied).isEqualTo(sim.checker().committed.subList(0, back.applied.size()));
    }

    /**
     * The old leader is not crashed but partitioned: it keeps proposing (unacknowledged) until syncLimit makes it step
     * down, while the majority elects a new leader and commits at the same counters. After healing it must agree.
     */
    @Test
    void partitionedLeaderKeepsProposingThenRejoins() {
        Simulation sim = establish(13);
        int oldLeader = sim.establishedLeader();
        sim.isolate(oldLeader);
        for (int i = 0; i < 3; i++) {
            if (sim.node(oldLeader).canPropose()) {
                sim.proposeAt(oldLeader, 2);
            }
            sim.runFor(100);
        }
        sim.await("a new leader elsewhere", () -> {
            int l = sim.establishedLeader();
            return l > 0 && l != oldLeader;
        }, 10_000);
        sim.proposeAt(sim.establishedLeader(), 10);
        sim.runFor(500);
        sim.healNetwork();
        sim.awaitConverged(15_000);
        assertThat(sim.stats.getOrDefault("log.truncated", 0L)).isPositive();
        assertThat(sim.host(oldLeader).applied)
                .isEqualTo(sim.checker().committed.subList(0, sim.host(oldLeader).applied.size()));
    }

    /**
     * ZOOKEEPER-1154 family: a follower misses proposals in the middle of a stream (the link broke and came back), so
     * the next one would leave a gap in its log. It must notice, resync, and never hold a gapped log; when the leader
     * then dies, whoever leads next still has every committed txn.
     */
    @Test
    void followerWithAGapResyncsAndCanLeadSafely() {
        Simulation sim = establish(14);
        int leader = sim.establishedLeader();
        int gappy = leader == 1 ? 2 : 1;
        int third = other(leader, gappy);
        sim.proposeAt(leader, 3);
        sim.cut(leader, gappy);      // drops what is in flight
        sim.proposeAt(leader, 4);
        sim.runFor(30);
        sim.restore(leader, gappy);
        sim.proposeAt(leader, 4);   // would arrive after a gap
        sim.runFor(30);
        assertContiguous(sim.host(gappy));
        sim.await("gappy peer resynced", () -> sim.node(gappy) != null && sim.node(gappy).isSyncedFollower()
                && sim.host(gappy).durableLog.size() >= sim.committedCount(), 10_000);
        assertContiguous(sim.host(gappy));

        int committed = sim.committedCount();
        sim.crash(leader);
        sim.crash(third);
        sim.restart(third);        // stale disk is still a full copy; the point is the gappy peer may now lead
        sim.await("a new leader", () -> sim.establishedLeader() > 0, 10_000);
        sim.restart(leader);
        sim.awaitConverged(15_000);
        for (SimHost h : sim.hosts()) {
            assertContiguous(h);
            assertThat(h.applied.size()).isGreaterThanOrEqualTo(committed);
        }
    }

    private static void assertContiguous(SimHost h) {
        long expect = h.base.counter() + 1;
        for (Txn t : h.durableLog) {
            assertThat(t.counter()).as("log of peer %d", h.id).isEqualTo(expect++);
        }
    }
}
