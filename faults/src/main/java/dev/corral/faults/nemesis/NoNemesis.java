package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import java.util.Random;

/** No fault at all: the baseline (a checker finding something here points at the workload or the checker). */
final class NoNemesis implements Nemesis {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        return null;
    }

    @Override
    public String heal(Cluster cluster) {
        return null;
    }
}
