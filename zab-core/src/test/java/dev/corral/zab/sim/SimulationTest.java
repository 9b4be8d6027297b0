package dev.corral.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs many seeded simulations. {@code -Dzab.seeds=N} sets how many seeds per cluster size (3 and 5 peers);
 * {@code -Dzab.seed=S} runs just that seed (with {@code -Dzab.peers=3|5}, default both) and {@code -Dzab.trace=true}
 * prints every event. {@code -Dzab.firstSeed=F} shifts the range, to explore new seeds.
 */
class SimulationTest {
    private static final int DEFAULT_SEEDS = 500;

    @Test
    void threePeers() {
        runSeeds(3);
    }

    @Test
    void fivePeers() {
        runSeeds(5);
    }

    private static void runSeeds(int peers) {
        String only = System.getProperty("zab.seed");
        String peersProp = System.getProperty("zab.peers");
        if (peersProp != null && Integer.parseInt(peersProp) != peers) {
            return;
        }
        boolean trace = Boolean.getBoolean("zab.trace");
        long first = Long.getLong("zab.firstSeed", 1);
        long count = Long.getLong("zab.seeds", DEFAULT_SEEDS);
        if (only != null) {
            first = Long.parseLong(only);
            count = 1;
        }
        long start = System.nanoTime();
        long committed = 0;
        long events = 0;
        long worstConverge = 0;
        long worstSeed = -1;
        java.util.TreeMap<String, Long> stats = new java.util.TreeMap<>();
        for (long seed = first; seed < first + count; seed++) {
            Simulation.Result r = new Simulation(SimConfig.standard(peers, seed).withTrace(trace)).run();
            committed += r.committed();
            events += r.events();
            if (r.convergeMillis() > worstConverge) {
                worstConverge = r.convergeMillis();
                worstSeed = seed;
            }
            assertThat(r.committed()).isPositive();
            r.stats().forEach((k, v) -> stats.merge(k, v, Long::sum));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("zab simulation: %d peers, %d seeds from %d, %d ms wall; %d events, %d committed txns,"
                + " slowest convergence after heal %d ms virtual (seed %d)%n  coverage: %s%n", peers, count, first, ms, events,
                committed, worstConverge, worstSeed, stats);
    }
}
