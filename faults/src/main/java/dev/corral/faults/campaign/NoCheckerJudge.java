package dev.corral.faults.campaign;

import dev.corral.faults.history.History;

/** Stands in for the checkers until they are merged. It never says "valid": an unjudged history is not a pass. */
public final class NoCheckerJudge implements Judge {
    @Override
    public Verdict judge(String workload, History history) {
        return Verdict.noChecker("no checker yet");
    }
}
