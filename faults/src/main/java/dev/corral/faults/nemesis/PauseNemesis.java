package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.util.List;
import java.util.Random;

/** SIGSTOP of one random member, the leader, or all members; healing sends SIGCONT. */
public final class PauseNemesis implements Nemesis {
    private static final String[] MODES = {"one", "leader", "all"};
    private final String mode;

    public PauseNemesis(String mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode == null ? "pause" : "pause-" + mode;
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        String how = mode != null ? mode : MODES[random.nextInt(MODES.length)];
        List<Node> targets = Targets.pick(how, cluster, random);
        targets.forEach(Node::pause);
        return "SIGSTOP (" + how + ") " + targets;
    }

    @Override
    public String heal(Cluster cluster) {
        StringBuilder sb = new StringBuilder("SIGCONT");
        for (Node n : cluster.nodes()) {
            if (n.paused()) {
                n.resume();
                sb.append(' ').append(n);
            }
        }
        return sb.toString();
    }
}
