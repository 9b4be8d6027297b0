package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.util.List;
import java.util.Random;

/** kill -9 of one random member, the leader, or all members; healing restarts every member that is down. */
public final class KillNemesis implements Nemesis {
    private static final String[] MODES = {"one", "leader", "all"};
    private final String mode;

    /** @param mode one, leader, all, or null for a seeded choice among them at each fault */
    public KillNemesis(String mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode == null ? "kill" : "kill-" + mode;
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        String how = mode != null ? mode : MODES[random.nextInt(MODES.length)];
        List<Node> targets = Targets.pick(how, cluster, random);
        targets.forEach(Node::kill);
        return "kill -9 (" + how + ") " + targets;
    }

    @Override
    public String heal(Cluster cluster) {
        StringBuilder sb = new StringBuilder("restart");
        for (Node n : cluster.nodes()) {
            if (!n.alive()) {
                n.start();
                sb.append(' ').append(n);
            }
        }
        return sb.toString();
    }
}
