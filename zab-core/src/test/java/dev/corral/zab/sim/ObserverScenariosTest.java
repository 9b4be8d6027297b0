package dev.corral.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.Role;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scripted schedules with observers (members without a vote): three voters (ids 1-3) and one observer (id 4). The
 * checker runs after every event; each test asserts its outcome.
 */
class ObserverScenariosTest {
    private static final int OBSERVER = 4;

    private static Simulation established(long seed) {
        Simulation sim = new Simulation(new SimConfig(3, seed, 0, 30_000, false, false, Set.of(),
                Boolean.getBoolean("zab.trace")).withObservers(1));
        sim.await("a leader", () -> sim.establishedLeader() > 0, 5_000);
        sim.proposeAt(sim.establishedLeader(), 5);
        sim.awaitConverged(5_000);
        return sim;
    }

    /** The observer follows the voters' leader, reports OBSERVING, and learns each commit through INFORM. */
    @Test
    void observerLearnsEveryCommitByInform() {
        Simulation sim = established(3);
        int leader = sim.establishedLeader();
        assertThat(leader).isBetween(1, 3);
        assertThat(sim.node(OBSERVER).role()).isEqualTo(Role.OBSERVING);
        assertThat(sim.node(OBSERVER).leaderId()).isEqualTo(leader);
        assertThat(sim.node(leader).syncedObservers()).isEqualTo(1);
        assertThat(sim.node(leader).syncedFollowers()).isEqualTo(2);
        long informs = sim.stats.getOrDefault("msg.Inform", 0L);
        sim.proposeAt(leader, 20);
        sim.await("20 more committed", () -> sim.committedCount() >= 25, 5_000);
        sim.awaitConverged(5_000);
        assertThat(sim.stats.getOrDefault("msg.Inform", 0L)).isGreaterThan(informs);
        assertThat(sim.node(OBSERVER).committedZxid()).isEqualTo(sim.node(leader).committedZxid());
    }

    /**
     * Two of three voters down: the voter and the observer left are two processes of four, but one vote of three.
     * Nobody leads, nothing commits, the observer never takes the lead; one voter back restores a quorum.
     */
    @Test
    void twoVotersDownIsNoQuorumAlthoughTheObserverIsUp() {
        Simulation sim = established(7);
        int leader = sim.establishedLeader();
        int other = leader == 1 ? 2 : 1;
        int survivor = 6 - leader - other;
        sim.crash(leader);
        sim.crash(other);
        // A proposal in flight that the leader and the survivor both held durably at the crash is on a quorum: the
        // survivor may still commit it on the leader's SYNCED once its own fsync ends. Nothing after that.
        sim.runFor(100);
        int committed = sim.committedCount();
        for (int i = 0; i < 100; i++) { // 10 s of virtual time, many initLimits
            sim.runFor(100);
            assertThat(sim.establishedLeader()).isEqualTo(-1);
            assertThat(sim.node(OBSERVER).role()).isNotEqualTo(Role.LEADING);
            assertThat(sim.node(survivor).role()).isNotEqualTo(Role.LEADING);
        }
        assertThat(sim.committedCount()).isEqualTo(committed);

        sim.restart(other);
        sim.await("a leader again", () -> sim.establishedLeader() > 0, 10_000);
        assertThat(sim.establishedLeader()).isNotEqualTo(OBSERVER);
        sim.proposeAt(sim.establishedLeader(), 3);
        sim.restart(leader);
        sim.awaitConverged(10_000);
        assertThat(sim.committedCount()).isGreaterThan(committed);
    }

    /** An observer crashed while writes go on catches up when it restarts (DIFF, or SNAP after compaction). */
    @Test
    void observerCrashedAndRestartedCatchesUp() {
        Simulation sim = established(11);
        int leader = sim.establishedLeader();
        sim.crash(OBSERVER);
        sim.proposeAt(leader, 30);
        sim.runFor(500);
        assertThat(sim.establishedLeader()).isEqualTo(leader); // the observer's absence costs no quorum
        assertThat(sim.committedCount()).isGreaterThanOrEqualTo(35);
        sim.restart(OBSERVER);
        sim.awaitConverged(10_000);
        assertThat(sim.node(OBSERVER).committedZxid()).isEqualTo(sim.node(leader).committedZxid());
    }
}
