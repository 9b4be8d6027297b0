package dev.corral.zab.sim;

import java.util.Set;

/**
 * Explores many seeds outside JUnit and keeps going past failures, printing each failing seed with its invariant.
 * Usage (after {@code mvn -pl zab-core test-compile}): {@code java -cp <test classpath> dev.corral.zab.sim.SeedSweep
 * <peers> <firstSeed> <count> [profile [PLANTED_BUG|none [observers]]]}. The fault profile defaults to standard; a planted
 * bug (a {@link PlantedBug} name, e.g. ACCEPT_STALE_EPOCH) is injected around every peer; observers (joiners under the
 * reconfig profile) default to 0.
 */
public final class SeedSweep {
    private SeedSweep() {}

    public static void main(String[] args) {
        int peers = Integer.parseInt(args[0]);
        long first = Long.parseLong(args[1]);
        long count = Long.parseLong(args[2]);
        FaultProfile profile = args.length > 3 ? FaultProfile.named(args[3]) : FaultProfile.STANDARD;
        Set<PlantedBug> bugs = args.length > 4 && !args[4].equals("none") ? Set.of(PlantedBug.valueOf(args[4])) : Set.of();
        int observers = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        long start = System.nanoTime();
        int failures = 0;
        long worst = 0;
        for (long seed = first; seed < first + count; seed++) {
            try {
                SimConfig config = SimConfig.standard(peers, seed).withProfile(profile).withBugs(bugs)
                        .withObservers(observers);
                worst = Math.max(worst, new Simulation(config).run().convergeMillis());
            } catch (Violation v) {
                failures++;
                System.out.println("FAIL seed=" + seed + " peers=" + peers + " profile=" + profile.name()
                        + (bugs.isEmpty() ? "" : " bugs=" + bugs) + " [" + v.invariant() + "] "
                        + v.getMessage().lines().findFirst().orElse(""));
            }
        }
        System.out.printf("swept %d seeds from %d on %d peers (%s%s) in %d ms: %d failures, slowest convergence %d ms%n",
                count, first, peers, profile.name(), bugs.isEmpty() ? "" : ", " + bugs,
                (System.nanoTime() - start) / 1_000_000, failures, worst);
    }
}
