package dev.corral.faults.check;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The checker of each workload, by the workload's name (vocabulary.md). */
public final class Checkers {
    private static final Map<String, Supplier<Checker>> BY_WORKLOAD = new LinkedHashMap<>();

    static {
        BY_WORKLOAD.put("register", LinearizabilityChecker::new);
        BY_WORKLOAD.put("register-nosync", () -> new LinearizabilityChecker("register-nosync"));
        BY_WORKLOAD.put("set", SetChecker::new);
        BY_WORKLOAD.put("unique-ids", UniqueIdsChecker::new);
        BY_WORKLOAD.put("counter", CounterChecker::new);
        BY_WORKLOAD.put("total-queue", TotalQueueChecker::new);
        BY_WORKLOAD.put("lock", LockChecker::new);
        BY_WORKLOAD.put("sessions", SessionsChecker::new);
        BY_WORKLOAD.put("watches", WatchesChecker::new);
        BY_WORKLOAD.put("flood", FloodChecker::new);
    }

    private Checkers() {}

    /** A new checker for the workload (the register's with its default budget); throws for an unknown name. */
    public static Checker forWorkload(String workload) {
        Supplier<Checker> s = BY_WORKLOAD.get(workload);
        if (s == null) {
            throw new IllegalArgumentException("no checker for workload " + workload + "; known: " + workloads());
        }
        return s.get();
    }

    public static Set<String> workloads() {
        return BY_WORKLOAD.keySet();
    }
}
