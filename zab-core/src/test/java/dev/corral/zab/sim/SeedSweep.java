package dev.corral.zab.sim;

/**
 * Explores many seeds outside JUnit and keeps going past failures, printing each failing seed with its invariant.
 * Usage (after {@code mvn -pl zab-core test-compile}): {@code java -cp <test classpath> dev.corral.zab.sim.SeedSweep
 * <peers> <firstSeed> <count>}.
 */
public final class SeedSweep {
    private SeedSweep() {}

    public static void main(String[] args) {
        int peers = Integer.parseInt(args[0]);
        long first = Long.parseLong(args[1]);
        long count = Long.parseLong(args[2]);
        long start = System.nanoTime();
        int failures = 0;
        long worst = 0;
        for (long seed = first; seed < first + count; seed++) {
            try {
                worst = Math.max(worst, new Simulation(SimConfig.standard(peers, seed)).run().convergeMillis());
            } catch (Violation v) {
                failures++;
                System.out.println("FAIL seed=" + seed + " peers=" + peers + " [" + v.invariant() + "] "
                        + v.getMessage().lines().findFirst().orElse(""));
            }
        }
        System.out.printf("swept %d seeds from %d on %d peers in %d ms: %d failures, slowest convergence %d ms%n",
                count, first, peers, (System.nanoTime() - start) / 1_000_000, failures, worst);
    }
}
