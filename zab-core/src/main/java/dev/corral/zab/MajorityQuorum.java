package dev.corral.zab;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** The classic rule: more than half of the voters. */
public final class MajorityQuorum implements QuorumVerifier {
    private final Set<Integer> voters;
    private final int needed;

    public MajorityQuorum(Set<Integer> voters) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("no voters");
        }
        // Sorted: iteration order must not depend on the JVM's per-run Set.of salt (determinism).
        this.voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        this.needed = voters.size() / 2 + 1;
    }

    @Override
    public Set<Integer> voters() {
        return voters;
    }

    @Override
    public boolean containsQuorum(Set<Integer> ids) {
        int n = 0;
        for (Integer id : ids) {
            if (voters.contains(id) && ++n >= needed) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Majority" + voters;
    }
}
