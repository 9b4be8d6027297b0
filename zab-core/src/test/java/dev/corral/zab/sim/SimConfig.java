package dev.corral.zab.sim;

import java.util.Set;

/**
 * One simulation run.
 *
 * @param peers         3 or 5
 * @param seed          seeds the one PRNG everything random is drawn from
 * @param faultMillis   virtual time of the safety phase, with faults
 * @param healMillis    liveness bound: after all faults heal, a leader must be elected and every peer converge within this
 * @param faults        whether to inject faults at all
 * @param compaction    whether hosts take snapshots and compact their logs (exercises SNAP)
 * @param bugs          planted bugs, injected around every peer (see {@link PlantedBug})
 * @param trace         print every event
 * @param profile       how faults are injected
 * @param observers     members without a vote, ids after the voters' ({@code peers + 1 ...}); they take every fault
 */
public record SimConfig(int peers, long seed, long faultMillis, long healMillis, boolean faults, boolean compaction,
                        Set<PlantedBug> bugs, boolean trace, FaultProfile profile, int observers) {
    public SimConfig(int peers, long seed, long faultMillis, long healMillis, boolean faults, boolean compaction,
                     Set<PlantedBug> bugs, boolean trace) {
        this(peers, seed, faultMillis, healMillis, faults, compaction, bugs, trace, FaultProfile.STANDARD, 0);
    }

    /** Voters plus observers. */
    public int members() {
        return peers + observers;
    }

    public SimConfig withObservers(int k) {
        return new SimConfig(peers, seed, faultMillis, healMillis, faults, compaction, bugs, trace, profile, k);
    }

    public static SimConfig standard(int peers, long seed) {
        return new SimConfig(peers, seed, 12_000, 30_000, true, true, Set.of(), false);
    }

    public SimConfig withProfile(FaultProfile p) {
        return new SimConfig(peers, seed, faultMillis, healMillis, faults, compaction, bugs, trace, p, observers);
    }

    public SimConfig withBugs(Set<PlantedBug> b) {
        return new SimConfig(peers, seed, faultMillis, healMillis, faults, compaction, b, trace, profile, observers);
    }

    public SimConfig withTrace(boolean t) {
        return new SimConfig(peers, seed, faultMillis, healMillis, faults, compaction, bugs, t, profile, observers);
    }

    public SimConfig withFaults(boolean f) {
        return new SimConfig(peers, seed, faultMillis, healMillis, f, compaction, bugs, trace, profile, observers);
    }

    public SimConfig withFaultMillis(long ms) {
        return new SimConfig(peers, seed, ms, healMillis, faults, compaction, bugs, trace, profile, observers);
    }
}
