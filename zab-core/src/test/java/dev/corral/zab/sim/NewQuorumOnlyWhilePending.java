package dev.corral.zab.sim;

import dev.corral.zab.QuorumVerifier;
import dev.corral.zab.ZabNode;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Planted bug NEW_QUORUM_ONLY_WHILE_PENDING, as a wrong quorum rule given to every config a peer holds (its start
 * config and every config its decoder reads out of a txn): while the peer has a pending config other than this one,
 * this (committed) config says "quorum" to any set, so the joint rule the core asks reduces to the pending config's
 * quorum alone. A config change and the writes after it can then commit without a quorum of the old config.
 */
final class NewQuorumOnlyWhilePending implements QuorumVerifier {
    private final QuorumVerifier real;
    private final Supplier<ZabNode> node;
    private final Runnable onWrongAnswer;

    NewQuorumOnlyWhilePending(QuorumVerifier real, Supplier<ZabNode> node, Runnable onWrongAnswer) {
        this.real = real;
        this.node = node;
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
        ZabNode n = node.get();
        QuorumVerifier pending = n == null ? null : n.pendingConfig();
        if (pending != null && pending != this) {
            onWrongAnswer.run();
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
