package dev.corral.zab;

import java.util.Set;

/**
 * Decides which sets of peers form a quorum. Majority today; the interface leaves room for weighted or hierarchical
 * quorums (any rule where every two quorums intersect) and for non-voting observers (members that are not voters).
 */
public interface QuorumVerifier {
    /** Peers whose acknowledgements and votes count. */
    Set<Integer> voters();

    /** Every peer the ensemble talks to: voters plus observers. */
    default Set<Integer> members() {
        return voters();
    }

    /** True if the voters among {@code ids} form a quorum. */
    boolean containsQuorum(Set<Integer> ids);

    default boolean isVoter(int id) {
        return voters().contains(id);
    }
}
