package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Choosing the members a fault hits: one at random, the leader, or all. */
final class Targets {
    private Targets() {
    }

    static List<Node> pick(String how, Cluster cluster, Random random) {
        List<Node> all = cluster.nodes();
        Node any = all.get(random.nextInt(all.size()));   // drawn always, so the schedule does not depend on the mode
        return switch (how) {
            case "one" -> List.of(any);
            case "leader" -> List.of(cluster.leader().orElse(any));   // no leader now: a random member
            case "all" -> new ArrayList<>(all);
            default -> throw new IllegalArgumentException(how);
        };
    }

    /** A seeded shuffle of the members. */
    static List<Node> shuffled(Cluster cluster, Random random) {
        List<Node> l = new ArrayList<>(cluster.nodes());
        java.util.Collections.shuffle(l, random);
        return l;
    }
}
