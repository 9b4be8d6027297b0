package dev.corral.zab;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A hand-driven ensemble for scripted tests: every Ready is "persisted" at once, its messages wait in per-link FIFO
 * queues, and the test decides what is delivered, dropped or held. Each node may have a {@link WireTap} in front of it
 * (a planted bug on the wire); by default none.
 */
final class ManualCluster {
    final Map<Integer, ZabNode> nodes = new HashMap<>();
    final Map<Integer, List<Txn>> applied = new HashMap<>();
    /** Every Ready each node handed out, in order (what the host was asked to persist). */
    final Map<Integer, List<Ready>> readies = new HashMap<>();
    private final Map<Integer, WireTap> taps = new HashMap<>();
    private final Map<Long, Deque<Message>> links = new HashMap<>();
    final QuorumVerifier quorum;
    /** Crashed nodes: what is sent to them is lost, and they send nothing. */
    final Set<Integer> down = new java.util.HashSet<>();

    ManualCluster(int n) {
        this(n, () -> WireTap.NONE);
    }

    /** A cluster whose every node gets its own tap from {@code tap}. */
    ManualCluster(int n, Supplier<WireTap> tap) {
        Set<Integer> ids = new TreeSet<>();
        for (int i = 1; i <= n; i++) {
            ids.add(i);
        }
        quorum = new MajorityQuorum(ids);
        for (int i = 1; i <= n; i++) {
            nodes.put(i, new ZabNode(new ZabConfig(i, quorum, 10, 5), DurableState.EMPTY));
            taps.put(i, tap.get());
            applied.put(i, new ArrayList<>());
        }
        drainAll();
        clearAll(); // drop the initial election notifications; tests script elections themselves
    }

    /** A cluster of the given peers, each started empty with its own config (e.g. joiners with a bigger one). */
    ManualCluster(Map<Integer, ZabConfig> configs) {
        quorum = configs.values().iterator().next().quorum();
        for (Map.Entry<Integer, ZabConfig> e : new java.util.TreeMap<>(configs).entrySet()) {
            nodes.put(e.getKey(), new ZabNode(e.getValue(), DurableState.EMPTY));
            taps.put(e.getKey(), WireTap.NONE);
            applied.put(e.getKey(), new ArrayList<>());
        }
    }

    /** The node loses everything but its disk, and its links lose what was in flight. */
    void crash(int id) {
        down.add(id);
        for (int other : nodes.keySet()) {
            drop(id, other);
            drop(other, id);
        }
    }

    /** Restarts a crashed node from what the Readies it handed out put on its disk. */
    void restart(int id, ZabConfig config) {
        nodes.put(id, new ZabNode(config, durableState(id)));
        down.remove(id);
        drain(id);
    }

    /** What a host that persisted every Ready of {@code id} (and applied its commits) recovers. */
    DurableState durableState(int id) {
        long accepted = 0;
        long current = 0;
        Zxid base = Zxid.ZERO;
        Zxid appliedTo = Zxid.ZERO;
        List<Txn> log = new ArrayList<>();
        for (Ready r : readies.getOrDefault(id, List.of())) {
            if (r.hardState() != null) {
                accepted = r.hardState().acceptedEpoch();
                current = r.hardState().currentEpoch();
            }
            if (r.truncateTo() != null) {
                long keep = r.truncateTo().counter() - base.counter();
                log.subList((int) keep, log.size()).clear();
            }
            if (r.installSnapshot() != null) {
                base = r.installSnapshot();
                appliedTo = base;
                log.clear();
            }
            log.addAll(r.entries());
            if (!r.committed().isEmpty()) {
                appliedTo = r.committed().get(r.committed().size() - 1).zxid();
            }
        }
        return new DurableState(accepted, current, base, log, appliedTo);
    }

    ZabNode node(int id) {
        return nodes.get(id);
    }

    Deque<Message> link(int from, int to) {
        return links.computeIfAbsent((long) from << 32 | to, k -> new ArrayDeque<>());
    }

    void drain(int id) {
        if (down.contains(id)) {
            return;
        }
        ZabNode n = nodes.get(id);
        while (n.hasReady()) {
            Ready r = n.ready();
            readies.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
            WireTap tap = taps.get(id);
            for (Outbound o : tap.sending(r.sendFirst())) {
                link(id, o.to()).addLast(o.message());
            }
            for (Outbound o : tap.sending(r.messages())) {
                link(id, o.to()).addLast(o.message());
            }
            applied.get(id).addAll(r.committed());
            n.advance(r);
        }
    }

    void drainAll() {
        for (int id : nodes.keySet()) {
            drain(id);
        }
    }

    /** Delivers the next message on from->to; returns it (null if none). */
    Message deliver(int from, int to) {
        Message m = link(from, to).pollFirst();
        if (m != null && down.contains(to)) {
            link(from, to).clear();
        } else if (m != null) {
            taps.get(to).received(from, m);
            nodes.get(to).step(from, m);
            drain(to);
        }
        return m;
    }

    /** Delivers everything on from->to, including what that provokes on the same link. */
    void deliverAll(int from, int to) {
        while (deliver(from, to) != null) {
            // keep going
        }
    }

    /** Delivers messages on from->to up to and including the first of type {@code type}. */
    void deliverThrough(int from, int to, Class<? extends Message> type) {
        Message m;
        do {
            m = deliver(from, to);
        } while (m != null && !type.isInstance(m));
    }

    /** Delivers until no link has anything queued. */
    void settle() {
        boolean any = true;
        while (any) {
            any = false;
            for (int from : nodes.keySet()) {
                for (int to : nodes.keySet()) {
                    if (from != to && deliver(from, to) != null) {
                        any = true;
                    }
                }
            }
        }
    }

    void drop(int from, int to) {
        link(from, to).clear();
    }

    void clearAll() {
        links.values().forEach(Deque::clear);
    }

    /** Makes {@code id} elect itself leader by showing it a LOOKING vote for itself from {@code voter}. */
    void electLeader(int id, int voter) {
        ZabNode n = nodes.get(id);
        n.step(voter, new Message.Notification(n.election.round(), n.selfVote(), Role.LOOKING));
        if (n.role() == Role.LOOKING) {
            n.tick(); // finalize wait: a quorum but not every voter agrees
        }
        drain(id);
    }

    /** Makes {@code id} (LOOKING) follow {@code leader}, vouched for by {@code witness}. */
    void follow(int id, int leader, int witness) {
        ZabNode n = nodes.get(id);
        Vote v = new Vote(leader, Zxid.ZERO, 0);
        n.step(leader, new Message.Notification(n.election.round(), v, Role.LEADING));
        n.step(witness, new Message.Notification(n.election.round(), v, Role.FOLLOWING));
        drain(id);
    }

    /** Every live node ticks once, then everything is delivered; {@code rounds} times. */
    void rounds(int rounds) {
        for (int i = 0; i < rounds; i++) {
            for (int id : nodes.keySet()) {
                if (!down.contains(id)) {
                    tick(id, 1);
                }
            }
            settle();
        }
    }

    /** The established leader among live nodes, or -1. */
    int leader() {
        for (Map.Entry<Integer, ZabNode> e : nodes.entrySet()) {
            if (!down.contains(e.getKey()) && e.getValue().isEstablishedLeader()) {
                return e.getKey();
            }
        }
        return -1;
    }

    void tick(int id, int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).tick();
        }
        drain(id);
    }
}
