package dev.corral.faults.campaign;

import dev.corral.faults.history.History;
import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * One workload x nemesis cell of the report: counts of the history's completions, the faults injected, the
 * checker's verdict, and what the harness itself saw go wrong (a member whose final read failed, members whose final
 * reads disagree, a phase where nothing succeeded).
 */
public record Result(String workload, String nemesis, int invocations, int ok, int fail, int info, int faults,
        Judge.Verdict verdict, List<String> divergence, List<String> harnessProblems) {

    static Result of(String workload, String nemesis, History h, int faults, Judge.Verdict verdict,
            List<String> divergence, List<String> harnessProblems) {
        int inv = 0;
        int ok = 0;
        int fail = 0;
        int info = 0;
        for (Op o : h.ops()) {
            switch (o.type()) {
                case INVOKE -> inv++;
                case OK -> ok++;
                case FAIL -> fail++;
                case INFO -> info++;
            }
        }
        return new Result(workload, nemesis, inv, ok, fail, info, faults, verdict, new ArrayList<>(divergence),
                new ArrayList<>(harnessProblems));
    }

    /** An anomaly: the checker found one, or the members' final reads disagree. */
    public boolean anomalous() {
        return verdict.status() == Judge.Status.INVALID || !divergence.isEmpty();
    }

    public String verdictText() {
        if (!divergence.isEmpty()) {
            return verdict.status() == Judge.Status.INVALID ? "INVALID+DIVERGED" : "DIVERGED";
        }
        return switch (verdict.status()) {
            case VALID -> "valid";
            case INVALID -> "INVALID";
            case UNKNOWN -> "undecided";
        };
    }
}
