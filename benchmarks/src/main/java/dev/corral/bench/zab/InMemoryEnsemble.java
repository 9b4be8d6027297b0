package dev.corral.bench.zab;

import dev.corral.zab.DurableState;
import dev.corral.zab.MajorityQuorum;
import dev.corral.zab.Message;
import dev.corral.zab.Outbound;
import dev.corral.zab.Ready;
import dev.corral.zab.Txn;
import dev.corral.zab.ZabConfig;
import dev.corral.zab.ZabNode;
import dev.corral.zab.Zxid;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * Peers driven in one thread through the public API: every Ready is "persisted" instantly, its messages delivered
 * in order, its commits counted as applied, then advanced. What remains is the cost of the state machine itself.
 */
final class InMemoryEnsemble {
    private record Envelope(int from, int to, Message message) {}

    final ZabNode[] nodes;
    private final Zxid[] lastApplied;
    private final ArrayDeque<Envelope> wire = new ArrayDeque<>();
    long applied;

    InMemoryEnsemble(int size) {
        Set<Integer> ids = new java.util.TreeSet<>();
        for (int i = 1; i <= size; i++) {
            ids.add(i);
        }
        MajorityQuorum quorum = new MajorityQuorum(ids);
        nodes = new ZabNode[size + 1];
        lastApplied = new Zxid[size + 1];
        for (int i = 1; i <= size; i++) {
            nodes[i] = new ZabNode(new ZabConfig(i, quorum, 10, 5), DurableState.EMPTY);
            lastApplied[i] = Zxid.ZERO;
        }
        for (int round = 0; round < 20 && leader() == null; round++) {
            for (int i = 1; i <= size; i++) {
                nodes[i].tick();
            }
            settle();
        }
        if (leader() == null) {
            throw new IllegalStateException("no leader elected");
        }
    }

    ZabNode leader() {
        for (int i = 1; i < nodes.length; i++) {
            if (nodes[i].isEstablishedLeader()) {
                return nodes[i];
            }
        }
        return null;
    }

    private void send(int from, List<Outbound> out) {
        for (int k = 0; k < out.size(); k++) {
            Outbound o = out.get(k);
            wire.addLast(new Envelope(from, o.to(), o.message()));
        }
    }

    /** Drains every Ready and delivers every message until nothing is left to do. */
    void settle() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (int i = 1; i < nodes.length; i++) {
                ZabNode n = nodes[i];
                while (n.hasReady()) {
                    busy = true;
                    Ready r = n.ready();
                    send(i, r.sendFirst());
                    send(i, r.messages());
                    List<Txn> c = r.committed();
                    if (!c.isEmpty()) {
                        applied += c.size();
                        lastApplied[i] = c.get(c.size() - 1).zxid();
                    }
                    n.advance(r);
                }
            }
            Envelope e;
            while ((e = wire.pollFirst()) != null) {
                busy = true;
                nodes[e.to()].step(e.from(), e.message());
            }
        }
    }

    /** Like a host that snapshots now and then: lets each peer forget its applied log prefix. */
    void compact() {
        for (int i = 1; i < nodes.length; i++) {
            nodes[i].compact(lastApplied[i]);
        }
    }
}
