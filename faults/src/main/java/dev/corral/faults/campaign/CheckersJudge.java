package dev.corral.faults.campaign;

import dev.corral.faults.check.Anomaly;
import dev.corral.faults.check.Checkers;
import dev.corral.faults.check.Result;
import dev.corral.faults.history.History;
import java.util.ArrayList;
import java.util.List;

/** The campaign's judge: each workload's history goes to its checker (dev.corral.faults.check.Checkers). */
public final class CheckersJudge implements Judge {
    @Override
    public Verdict judge(String workload, History history) {
        Result r = Checkers.forWorkload(workload).check(history);
        List<String> notes = new ArrayList<>();
        for (Anomaly a : r.anomalies()) {
            notes.add(a.text());
        }
        return switch (r.verdict()) {
            case VALID -> new Verdict(Status.VALID, List.of());
            case INVALID -> new Verdict(Status.INVALID, notes);
            case UNKNOWN -> new Verdict(Status.UNKNOWN, List.of("undecided: " + r.note()));
        };
    }
}
