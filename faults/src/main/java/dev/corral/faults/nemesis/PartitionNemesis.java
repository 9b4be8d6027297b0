package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Network;
import dev.corral.faults.cluster.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cuts the network between servers (iptables DROP in the receivers' namespaces; clients still reach every member):
 * <ul>
 *   <li>halves: a random minority and majority that cannot hear each other;</li>
 *   <li>leader: the current leader alone on one side;</li>
 *   <li>bridge: two halves that share one member (it hears both; the halves do not hear each other);</li>
 *   <li>one-way-in: a member that cannot hear the others while they still hear it;</li>
 *   <li>one-way-out: the reverse, the others cannot hear it while it hears them.</li>
 * </ul>
 */
public final class PartitionNemesis implements Nemesis {
    private final String mode;

    public PartitionNemesis(String mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return switch (mode) {
            case "halves" -> "partition-halves";
            case "leader" -> "leader-isolated";
            case "bridge" -> "partition-bridge";
            case "one-way-in" -> "partition-one-way-in";
            case "one-way-out" -> "partition-one-way-out";
            default -> throw new IllegalArgumentException(mode);
        };
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        Network net = cluster.network();
        List<Node> order = Targets.shuffled(cluster, random);
        int n = order.size();
        switch (mode) {
            case "halves" -> {
                List<Node> minority = order.subList(0, (n - 1) / 2);
                List<Node> majority = order.subList((n - 1) / 2, n);
                cut(net, minority, majority);
                return "partition " + minority + " | " + majority;
            }
            case "leader" -> {
                java.util.Optional<Node> found = cluster.leader();
                Node leader = found.orElse(order.get(0));
                List<Node> rest = new ArrayList<>(cluster.nodes());
                rest.remove(leader);
                cut(net, List.of(leader), rest);
                return "isolate " + (found.isPresent() ? "leader " : "(no leader now) ") + leader + " | " + rest;
            }
            case "bridge" -> {
                Node bridge = order.get(0);
                List<Node> left = order.subList(1, 1 + (n - 1) / 2);
                List<Node> right = order.subList(1 + (n - 1) / 2, n);
                cut(net, left, right);
                return "bridge " + left + " <" + bridge + "> " + right;
            }
            case "one-way-in" -> {
                Node deaf = order.get(0);
                for (Node o : order.subList(1, n)) {
                    net.drop(o.id(), deaf.id());
                }
                return deaf + " hears nobody (the others hear it)";
            }
            case "one-way-out" -> {
                Node mute = order.get(0);
                for (Node o : order.subList(1, n)) {
                    net.drop(mute.id(), o.id());
                }
                return "nobody hears " + mute + " (it hears the others)";
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private static void cut(Network net, List<Node> a, List<Node> b) {
        for (Node x : a) {
            for (Node y : b) {
                net.drop(x.id(), y.id());
                net.drop(y.id(), x.id());
            }
        }
    }

    @Override
    public String heal(Cluster cluster) {
        cluster.network().heal();
        return "network healed";
    }
}
