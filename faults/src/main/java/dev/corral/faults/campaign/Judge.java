package dev.corral.faults.campaign;

import dev.corral.faults.history.History;
import java.util.List;

/** What the campaign asks of the checkers: a verdict on one workload's history ({@link CheckersJudge}). */
public interface Judge {

    /** UNKNOWN: the checker could not decide (its search budget was spent, or a final read is missing). */
    enum Status { VALID, INVALID, UNKNOWN }

    record Verdict(Status status, List<String> anomalies) {
    }

    Verdict judge(String workload, History history);
}
