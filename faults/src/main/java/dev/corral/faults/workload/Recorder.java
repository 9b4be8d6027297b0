package dev.corral.faults.workload;

import dev.corral.faults.history.History;
import java.util.concurrent.atomic.AtomicInteger;

/** One workload's history in one phase, and the process numbers handed out to its threads (never reused). */
public final class Recorder {
    private final History history = new History();
    private final AtomicInteger nextProcess = new AtomicInteger();

    public History history() {
        return history;
    }

    int newProcess() {
        return nextProcess.getAndIncrement();
    }
}
