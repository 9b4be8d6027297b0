package dev.corral.zab.sim;

import dev.corral.zab.QuorumVerifier;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Planted bug COMMIT_WITHOUT_QUORUM, as a wrong quorum rule given to one peer: while that peer is an established
 * leader, any set that holds the peer itself is a quorum; otherwise the real rule applies (so election, discovery and
 * establishing the epoch are unchanged). The leader's commit rule asks "is the set of peers that hold this zxid durably
 * a quorum", so it now commits its own durable log on its own acknowledgement. (The leader's step-down check asks the
 * same question of "me plus the synced followers I hear", so an isolated leader also stops stepping down: a wrong
 * quorum rule is wrong for every question.)
 */
final class SelfQuorumWhileLeading implements QuorumVerifier {
    private final QuorumVerifier real;
    private final int self;
    private final BooleanSupplier establishedLeader;
    private final Runnable onWrongAnswer;

    /**
     * @param real              the ensemble's rule
     * @param self              the peer whose configuration this is
     * @param establishedLeader whether that peer is an established leader now
     * @param onWrongAnswer     called whenever this rule says "quorum" where the real one says not
     */
    SelfQuorumWhileLeading(QuorumVerifier real, int self, BooleanSupplier establishedLeader, Runnable onWrongAnswer) {
        this.real = real;
        this.self = self;
        this.establishedLeader = establishedLeader;
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
        if (ids.contains(self) && establishedLeader.getAsBoolean()) {
            onWrongAnswer.run();
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "SelfQuorumWhileLeading[" + self + " in " + real + "]";
    }
}
