package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import java.util.List;
import java.util.Random;

/**
 * The soak's nemesis: the listed nemeses take turns, one fault each in the order given, for a single long phase (a
 * fault every minute for an hour, say) in which memory trends are measured across all of them.
 */
final class CyclingNemesis implements Nemesis {
    private final List<Nemesis> turns;
    private int next;
    private Nemesis current;

    CyclingNemesis(List<Nemesis> turns) {
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a soak needs at least one nemesis");
        }
        this.turns = List.copyOf(turns);
    }

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public synchronized String inject(Cluster cluster, Random random) {
        current = turns.get(next);
        next = (next + 1) % turns.size();
        String what = current.inject(cluster, random);
        return what == null ? null : "[" + current.name() + "] " + what;
    }

    @Override
    public synchronized String heal(Cluster cluster) {
        if (current == null) {
            StringBuilder all = new StringBuilder();
            for (Nemesis n : turns) {
                String h = n.heal(cluster);
                if (h != null) {
                    all.append(all.isEmpty() ? "" : "; ").append(h);
                }
            }
            return all.isEmpty() ? null : all.toString();
        }
        String h = current.heal(cluster);
        String out = h == null ? null : "[" + current.name() + "] " + h;
        current = null;
        return out;
    }
}
