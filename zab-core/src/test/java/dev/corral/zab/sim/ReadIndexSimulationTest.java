package dev.corral.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.Zxid;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Read-index reads under the simulator: the checker verifies after every event that a confirmed read index covers
 * every txn any peer applied before the read was asked (so a read answered at or above it is linearizable), and the
 * scenarios pin that a partitioned former leader never confirms one. {@code -Dzab.readSeeds=N} sets the sweep size.
 */
class ReadIndexSimulationTest {

    @Test
    void seededRunsWithReadsKeepTheReadIndexProperty() {
        long seeds = Long.getLong("zab.readSeeds", 150);
        long confirmed = 0;
        for (int peers : new int[] {3, 5}) {
            for (long seed = 1; seed <= seeds; seed++) {
                Simulation sim = new Simulation(SimConfig.standard(peers, seed)).withReads();
                sim.run();
                confirmed += sim.confirmedReadCount();
            }
        }
        assertThat(confirmed).isPositive();
    }

    @Test
    void partitionedFormerLeaderNeverConfirmsARead() {
        Simulation sim = establish(21);
        int old = sim.establishedLeader();
        sim.isolate(old);
        long stale = sim.requestRead(old);
        // The others elect a new leader and commit writes the old leader never sees.
        sim.await("a new leader", () -> sim.establishedLeader() > 0 && sim.establishedLeader() != old, 10_000);
        int fresh = sim.establishedLeader();
        sim.proposeAt(fresh, 5);
        sim.runFor(2_000);
        int committedWhileIsolated = sim.committedCount();
        assertThat(sim.readIndex(stale)).isNull();

        // Healed, the old leader follows the new one and its read is confirmed at or above those writes.
        sim.healNetwork();
        sim.await("the stale read confirmed", () -> sim.readIndex(stale) != null, 15_000);
        assertThat(sim.readIndex(stale).counter()).isGreaterThanOrEqualTo(committedWhileIsolated);
    }

    @Test
    void readsAtEveryPeerSeeTheWritesBeforeThem() {
        Simulation sim = establish(22);
        int leader = sim.establishedLeader();
        sim.proposeAt(leader, 3);
        sim.await("writes applied at the leader", () -> sim.host(leader).applied.size() >= 8, 5_000);
        int before = sim.committedCount();
        long[] ids = new long[4];
        for (int id = 1; id <= 3; id++) {
            ids[id] = sim.requestRead(id);
        }
        sim.await("every read confirmed", () -> sim.pendingReads() == 0, 5_000);
        for (int id = 1; id <= 3; id++) {
            Zxid index = sim.readIndex(ids[id]);
            assertThat(index.counter()).as("read at peer %d", id).isGreaterThanOrEqualTo(before);
        }
    }

    private static Simulation establish(long seed) {
        Simulation sim = new Simulation(new SimConfig(3, seed, 0, 30_000, false, false, Set.of(),
                Boolean.getBoolean("zab.trace")));
        sim.await("a leader", () -> sim.establishedLeader() > 0, 5_000);
        sim.proposeAt(sim.establishedLeader(), 5);
        sim.awaitConverged(5_000);
        return sim;
    }
}
