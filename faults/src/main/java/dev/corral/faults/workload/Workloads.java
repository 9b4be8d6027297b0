package dev.corral.faults.workload;

import java.time.Duration;
import java.util.List;

/** The workloads by the names scripts/faults takes (those of the vocabulary). */
public final class Workloads {
    public static final List<String> NAMES = List.of("register", "register-nosync", "set", "lock", "unique-ids", "counter",
            "total-queue", "sessions", "watches", "flood");

    private Workloads() {
    }

    public static Workload of(String name) {
        return switch (name) {
            case "register" -> new RegisterWorkload(3);
            case "register-nosync" -> new RegisterWorkload(3, false);
            case "set" -> new SetWorkload();
            case "lock" -> new LockWorkload(Duration.ofSeconds(5));
            case "unique-ids" -> new UniqueIdsWorkload();
            case "counter" -> new CounterWorkload();
            case "total-queue" -> new TotalQueueWorkload();
            case "sessions" -> new SessionsWorkload();
            case "watches" -> new WatchesWorkload();
            case "flood" -> new FloodWorkload();
            default -> throw new IllegalArgumentException("unknown workload '" + name + "' (" + NAMES + ")");
        };
    }
}
