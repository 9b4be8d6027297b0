package dev.corral.zab;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The committed and the pending configuration at once, while a config change is proposed and not yet committed: a
 * set is a quorum only if it is one of each (ZooKeeper's Leader#hasAllQuorums), so no decision can be made by either
 * side alone. Voters and members are the union: anyone who may count in either is talked to.
 */
final class JointQuorum implements QuorumVerifier {
    private final QuorumVerifier committed;
    private final QuorumVerifier pending;
    private final Set<Integer> voters;
    private final Set<Integer> members;

    JointQuorum(QuorumVerifier committed, QuorumVerifier pending) {
        this.committed = committed;
        this.pending = pending;
        Set<Integer> v = new TreeSet<>(committed.voters());
        v.addAll(pending.voters());
        Set<Integer> m = new TreeSet<>(committed.members());
        m.addAll(pending.members());
        this.voters = Collections.unmodifiableSet(v);
        this.members = Collections.unmodifiableSet(m);
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
        return committed.containsQuorum(ids) && pending.containsQuorum(ids);
    }

    @Override
    public String toString() {
        return "Joint[" + committed + " & pending " + pending + "]";
    }
}
