package dev.corral.faults.campaign;

import dev.corral.faults.history.History;
import java.util.List;

/**
 * What the campaign asks of the checkers: a verdict on one workload's history. The real checkers
 * (dev.corral.faults.check) are wired in at merge; until then {@link NoCheckerJudge} answers.
 */
public interface Judge {

    enum Status { VALID, INVALID, NO_CHECKER }

    record Verdict(Status status, List<String> anomalies) {
        public static Verdict noChecker(String why) {
            return new Verdict(Status.NO_CHECKER, List.of(why));
        }
    }

    Verdict judge(String workload, History history);
}
