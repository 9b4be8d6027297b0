package dev.corral.zab;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * DELIBERATELY BROKEN, for the fault campaign only (scripts/faults --server corral-broken); never shipped. A copy of
 * zab-core's MajorityQuorum that calls any single voter a quorum: a leader commits on its own acknowledgement and a
 * candidate elects itself alone, so both sides of a partition accept writes. The campaign must catch it.
 */
public final class MajorityQuorum implements QuorumVerifier {
    private final Set<Integer> voters;

    public MajorityQuorum(Set<Integer> voters) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("no voters");
        }
        this.voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
    }

    @Override
    public Set<Integer> voters() {
        return voters;
    }

    @Override
    public boolean containsQuorum(Set<Integer> ids) {
        for (Integer id : ids) {
            if (voters.contains(id)) {
                return true;   // the bug: one acknowledgement is enough
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "BrokenSingleAckQuorum" + voters;
    }
}
