package dev.corral.faults.nemesis;

import java.util.List;

/** The nemeses by the names scripts/faults takes. */
public final class Nemeses {
    public static final List<String> NAMES = List.of("kill", "kill-one", "kill-leader", "kill-all", "pause",
            "pause-one", "pause-leader", "pause-all", "partition-halves", "leader-isolated", "partition-bridge",
            "partition-one-way-in", "partition-one-way-out", "corrupt-log", "corrupt-tree", "wipe", "disk-full",
            "overload", "none");

    private Nemeses() {
    }

    /** The soak's single nemesis: the named ones take turns, one fault each. */
    public static Nemesis cycle(List<String> names) {
        return new CyclingNemesis(names.stream().map(Nemeses::of).toList());
    }

    public static Nemesis of(String name) {
        return switch (name) {
            case "kill" -> new KillNemesis(null);
            case "kill-one", "kill-leader", "kill-all" -> new KillNemesis(name.substring("kill-".length()));
            case "pause" -> new PauseNemesis(null);
            case "pause-one", "pause-leader", "pause-all" -> new PauseNemesis(name.substring("pause-".length()));
            case "partition-halves" -> new PartitionNemesis("halves");
            case "leader-isolated" -> new PartitionNemesis("leader");
            case "partition-bridge" -> new PartitionNemesis("bridge");
            case "partition-one-way-in" -> new PartitionNemesis("one-way-in");
            case "partition-one-way-out" -> new PartitionNemesis("one-way-out");
            case "corrupt-log" -> new CorruptNemesis(true);
            case "corrupt-tree" -> new CorruptNemesis(false);
            case "wipe" -> new WipeNemesis();
            case "disk-full" -> new DiskFullNemesis();
            case "overload" -> new OverloadNemesis();
            case "none" -> new NoNemesis();
            default -> throw new IllegalArgumentException("unknown nemesis '" + name + "' (" + NAMES + ")");
        };
    }
}
