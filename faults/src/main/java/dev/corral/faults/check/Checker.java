package dev.corral.faults.check;

import dev.corral.faults.history.History;
import dev.corral.faults.history.Op;
import java.util.List;

/**
 * Judges a recorded history of one workload (the campaign's vocabulary). Events of functions the checker does not
 * know are left out and counted as "ignored", so a history may carry a nemesis's events, in any shape.
 * Real-time order is the events' index order: the history assigns indexes and times under one lock, so they agree.
 */
public interface Checker {
    /** The workload this checker judges, e.g. "register". */
    String name();

    Result check(List<Op> ops);

    default Result check(History history) {
        return check(history.ops());
    }
}
