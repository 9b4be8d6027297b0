package dev.corral.zab.sim;

import dev.corral.zab.QuorumVerifier;
import java.util.Set;

/**
 * Planted bug OBSERVERS_COUNTED, as a wrong quorum rule: the voters and the observers each count toward a majority of
 * the voters, so a leader with observers acknowledging commits, and elects or establishes, without a quorum of voters.
 * Who is a voter is unchanged (an observer still never leads or votes), only the counting is wrong.
 */
final class ObserversCounted implements QuorumVerifier {
    private final QuorumVerifier real;
    private final Runnable onWrongAnswer;

    ObserversCounted(QuorumVerifier real, Runnable onWrongAnswer) {
        this.real = real;
        this.onWrongAnswer = onWrongAnswer;
    }

    @Override
    public Set<Integer> voters() {
        return real.voters();
    }

    @Override
    public Set<Integer> members() {
        return real.members();
    }

    @Override
    public boolean containsQuorum(Set<Integer> ids) {
        if (real.containsQuorum(ids)) {
            return true;
        }
        long counted = ids.stream().filter(real.members()::contains).count();
        if (counted >= real.voters().size() / 2 + 1) {
            onWrongAnswer.run();
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "ObserversCounted[" + real + "]";
    }
}
