package dev.corral.zab;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** The classic rule: more than half of the voters. Members that are not voters (observers) never count. */
public final class MajorityQuorum implements QuorumVerifier {
    private final Set<Integer> voters;
    private final Set<Integer> members;
    private final int needed;

    public MajorityQuorum(Set<Integer> voters) {
        this(voters, voters);
    }

    /** {@code members} is the voters plus the observers. */
    public MajorityQuorum(Set<Integer> voters, Set<Integer> members) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("no voters");
        }
        if (!members.containsAll(voters)) {
            throw new IllegalArgumentException("voters " + voters + " not all among members " + members);
        }
        // Sorted: iteration order must not depend on the JVM's per-run Set.of salt (determinism).
        this.voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        this.members = Collections.unmodifiableSortedSet(new TreeSet<>(members));
        this.needed = voters.size() / 2 + 1;
    }

    @Override
    public Set<Integer> voters() {
        return voters;
    }

    @Override
    public Set<Integer> members() {
        return members;
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

    // Value semantics: a config decoded from the wire equals the one it was encoded from.
    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityQuorum q && voters.equals(q.voters) && members.equals(q.members);
    }

    @Override
    public int hashCode() {
        return voters.hashCode() * 31 + members.hashCode();
    }

    @Override
    public String toString() {
        return members.size() == voters.size() ? "Majority" + voters : "Majority" + voters + "+observers" + members;
    }
}
