package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import java.util.Random;

/**
 * A fault and its healing. The campaign calls {@link #inject} and, some seconds later, {@link #heal}; each returns a
 * line for the report. All random choices come from the given Random (seeded per phase), so a seed fixes the
 * schedule; choices that depend on the cluster (which member leads) are resolved at the time.
 */
public interface Nemesis {
    String name();

    String inject(Cluster cluster, Random random);

    /** Undoes every fault of this nemesis that is still in place (idempotent). */
    String heal(Cluster cluster);
}
