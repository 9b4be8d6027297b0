package dev.corral.zab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs many seeded simulations, for 3 and 5 peers, under each fault profile: {@link FaultProfile#STANDARD} (500 seeds
 * per cluster size), {@link FaultProfile#DISCOVERY_RACE} (300 seeds per cluster size) and {@link FaultProfile#TRANSFER}
 * (200 seeds per cluster size); and with observers (members without a vote): 3 voters + 1 observer and 5 + 2 under
 * the standard profile (200 seeds each), 3 + 2 under the discovery race (100).
 *
 * <p>{@code -Dzab.seeds=N} sets how many seeds per cluster size and profile; {@code -Dzab.firstSeed=F} shifts the range,
 * to explore new seeds. {@code -Dzab.profile=standard|discovery-race|transfer} runs one profile only. {@code -Dzab.seed=S} runs
 * just that seed (with {@code -Dzab.peers=3|5}, {@code -Dzab.observers=0|1|2} and {@code -Dzab.profile}, default all) and
 * {@code -Dzab.trace=true} prints every event.
 */
class SimulationTest {
    private static final int DEFAULT_SEEDS = 500;
    private static final int DEFAULT_RACE_SEEDS = 300;
    private static final int DEFAULT_TRANSFER_SEEDS = 200;
    private static final int DEFAULT_OBSERVER_SEEDS = 200;
    private static final int DEFAULT_RECONFIG_SEEDS = 200;

    @Test
    void threePeers() {
        runSeeds(3, FaultProfile.STANDARD, DEFAULT_SEEDS);
    }

    @Test
    void fivePeers() {
        runSeeds(5, FaultProfile.STANDARD, DEFAULT_SEEDS);
    }

    /** Observers take every fault too; they must never count, and must converge with the voters after healing. */
    @Test
    void threeVotersOneObserver() {
        runSeeds(3, 1, FaultProfile.STANDARD, DEFAULT_OBSERVER_SEEDS);
    }

    @Test
    void fiveVotersTwoObservers() {
        runSeeds(5, 2, FaultProfile.STANDARD, DEFAULT_OBSERVER_SEEDS);
    }

    @Test
    void threeVotersTwoObserversDiscoveryRace() {
        runSeeds(3, 2, FaultProfile.DISCOVERY_RACE, DEFAULT_OBSERVER_SEEDS / 2); // its seeds are slow (66 s for 200)
    }

    @Test
    void threePeersDiscoveryRace() {
        runSeeds(3, FaultProfile.DISCOVERY_RACE, DEFAULT_RACE_SEEDS);
    }

    @Test
    void fivePeersDiscoveryRace() {
        runSeeds(5, FaultProfile.DISCOVERY_RACE, DEFAULT_RACE_SEEDS);
    }

    @Test
    void threePeersTransfer() {
        runSeeds(3, FaultProfile.TRANSFER, DEFAULT_TRANSFER_SEEDS);
    }

    @Test
    void fivePeersTransfer() {
        runSeeds(5, FaultProfile.TRANSFER, DEFAULT_TRANSFER_SEEDS);
    }

    /** Membership changes: 3 voters and 2 servers outside the config (5 potential members), and 5 + 1. */
    @Test
    void threeVotersTwoJoinersReconfig() {
        runSeeds(3, 2, FaultProfile.RECONFIG, DEFAULT_RECONFIG_SEEDS);
    }

    @Test
    void fiveVotersOneJoinerReconfig() {
        runSeeds(5, 1, FaultProfile.RECONFIG, DEFAULT_RECONFIG_SEEDS);
    }

    private static void runSeeds(int peers, FaultProfile profile, int defaultSeeds) {
        runSeeds(peers, 0, profile, defaultSeeds);
    }

    private static void runSeeds(int peers, int observers, FaultProfile profile, int defaultSeeds) {
        String only = System.getProperty("zab.seed");
        String peersProp = System.getProperty("zab.peers");
        if (Integer.getInteger("zab.observers", observers) != observers) {
            return;
        }
        String profileProp = System.getProperty("zab.profile");
        if (peersProp != null && Integer.parseInt(peersProp) != peers) {
            return;
        }
        if (profileProp != null && !FaultProfile.named(profileProp).equals(profile)) {
            return;
        }
        boolean trace = Boolean.getBoolean("zab.trace");
        long first = Long.getLong("zab.firstSeed", 1);
        long count = Long.getLong("zab.seeds", defaultSeeds);
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
            Simulation.Result r = new Simulation(SimConfig.standard(peers, seed).withProfile(profile).withObservers(observers)
                    .withTrace(trace)).run();
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
        System.out.printf("zab simulation (%s): %d peers + %d observers, %d seeds from %d, %d ms wall; %d events, %d committed txns,"
                + " slowest convergence after heal %d ms virtual (seed %d)%n  coverage: %s%n", profile.name(), peers, observers, count,
                first, ms, events, committed, worstConverge, worstSeed, stats);
    }
}
