package dev.corral.zab.sim;

import dev.corral.zab.ConfigDecoder;
import dev.corral.zab.ConfigPayloads;
import dev.corral.zab.MajorityQuorum;
import dev.corral.zab.ReconfigRefusedException;
import dev.corral.zab.QuorumVerifier;
import dev.corral.zab.Role;
import dev.corral.zab.SkipTrunc;
import dev.corral.zab.StaleEpochPromise;
import dev.corral.zab.SyncedAsCommit;
import dev.corral.zab.SyncedOverclaim;
import dev.corral.zab.WireTap;
import dev.corral.zab.ZabConfig;
import dev.corral.zab.ZabNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * A deterministic discrete-event simulation of a ZAB ensemble: one virtual clock, one event queue ordered by (time,
 * sequence), one seeded PRNG. Safety phase: faults (link breaks, symmetric and asymmetric partitions, crashes that lose
 * what was not fsynced, and whatever else the {@link FaultProfile} adds) and client proposals; the checker runs after
 * every event. Liveness phase: everything heals, and
 * a leader must be established and every peer converge within {@link SimConfig#healMillis()}.
 */
public final class Simulation {
    static final int TICK_MILLIS = 100;
    static final int INIT_LIMIT = 10;
    static final int SYNC_LIMIT = 5;
    private static final int TRACE_TAIL = 400;

    private record Event(long time, long seq, Runnable action, String label) {}

    private final SimConfig config;
    private final Random random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private final Network network;
    private final List<SimHost> hosts = new ArrayList<>();
    private final Checker checker;
    private final ArrayDeque<String> traceTail = new ArrayDeque<>();
    private long proposals;
    private long events;
    private boolean faultPhase;
    /** Linearizable reads during the run (off by default, so that the recorded seeds replay as before). */
    private Random readRandom;
    private long reads;
    /** Coverage counters: how often each interesting path ran (sync modes, crashes, partitions...). */
    final java.util.TreeMap<String, Long> stats = new java.util.TreeMap<>();

    void count(String what) {
        stats.merge(what, 1L, Long::sum);
    }

    public Simulation(SimConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        Set<Integer> ids = new TreeSet<>();
        for (int i = 1; i <= config.peers(); i++) {
            ids.add(i);
        }
        Set<Integer> members = new TreeSet<>(ids);
        for (int i = config.peers() + 1; i <= config.members(); i++) {
            members.add(i);
        }
        boolean reconfig = config.profile().reconfigWeight() > 0;
        // With the reconfig profile the extra members are not observers but joiners, in no config yet.
        QuorumVerifier quorum = members.size() == ids.size() || reconfig ? new MajorityQuorum(ids)
                : new MajorityQuorum(ids, members);
        this.network = new Network(this, config.members());
        for (int i = 1; i <= config.members(); i++) {
            QuorumVerifier own = quorum;
            if (!ids.contains(i)) {
                Set<Integer> withMe = new TreeSet<>(ids);
                withMe.add(i);
                own = reconfig ? new MajorityQuorum(withMe) : quorum;
            }
            int id = i;
            hosts.add(new SimHost(this, i, new ZabConfig(i, quorumOf(i, own), INIT_LIMIT, SYNC_LIMIT, 50,
                    reconfig ? p -> {
                        QuorumVerifier c = ConfigPayloads.DECODER.configIn(p);
                        return c == null ? null : quorumOf(id, c);
                    } : ConfigDecoder.NONE), tapOf()));
        }
        this.checker = new Checker(this, quorum, config.members(), reconfig ? ConfigPayloads.DECODER : ConfigDecoder.NONE);
        for (SimHost h : hosts) {
            long offset = random.nextInt(TICK_MILLIS);
            scheduleTick(h, offset);
            schedule(0, h::pump, null);
        }
    }

    /** The quorum rule peer {@code id} is configured with: the real one, unless a wrong rule is planted. */
    private QuorumVerifier quorumOf(int id, QuorumVerifier real) {
        if (config.bugs().contains(PlantedBug.NEW_QUORUM_ONLY_WHILE_PENDING)) {
            return new NewQuorumOnlyWhilePending(real, () -> id <= hosts.size() && host(id).up ? host(id).core : null,
                    () -> count("planted." + PlantedBug.NEW_QUORUM_ONLY_WHILE_PENDING));
        }
        if (config.bugs().contains(PlantedBug.OBSERVERS_COUNTED)) {
            return new ObserversCounted(real, () -> count("planted." + PlantedBug.OBSERVERS_COUNTED));
        }
        if (!config.bugs().contains(PlantedBug.COMMIT_WITHOUT_QUORUM)) {
            return real;
        }
        return new SelfQuorumWhileLeading(real, id, () -> {
            SimHost h = id <= hosts.size() ? host(id) : null; // null while that host is being built
            return h != null && h.up && h.core != null && h.core.isEstablishedLeader();
        }, () -> count("planted." + PlantedBug.COMMIT_WITHOUT_QUORUM));
    }

    /** What sits between a peer's node and its links: nothing, unless a planted bug lives on the wire. */
    private WireTap tapOf() {
        WireTap tap = WireTap.NONE;
        if (config.bugs().contains(PlantedBug.SKIP_TRUNC)) {
            tap = tap.andThen(new SkipTrunc(() -> count("planted." + PlantedBug.SKIP_TRUNC)));
        }
        if (config.bugs().contains(PlantedBug.ACCEPT_STALE_EPOCH)) {
            tap = tap.andThen(new StaleEpochPromise(() -> count("planted." + PlantedBug.ACCEPT_STALE_EPOCH)));
        }
        if (config.bugs().contains(PlantedBug.SYNCED_OVERCLAIM)) {
            tap = tap.andThen(new SyncedOverclaim(() -> count("planted." + PlantedBug.SYNCED_OVERCLAIM)));
        }
        if (config.bugs().contains(PlantedBug.SYNCED_AS_COMMIT)) {
            tap = tap.andThen(new SyncedAsCommit(() -> count("planted." + PlantedBug.SYNCED_AS_COMMIT)));
        }
        return tap;
    }

    // ---------------------------------------------------------------- running

    /** Safety phase with faults, then heal and check liveness. Throws {@link Violation} on any failure. */
    public Result run() {
        faultPhase = true;
        scheduleClient(10);
        if (readRandom != null) {
            scheduleReads(15);
        }
        if (config.faults()) {
            scheduleFault(200 + random.nextInt(800));
        }
        runUntil(config.faultMillis());
        faultPhase = false;
        healEverything();
        long healedAt = now;
        long deadline = now + config.healMillis();
        boolean ok = runUntil(this::converged, deadline);
        if (!ok) {
            throw violation("liveness", "no leader with every peer converged " + config.healMillis() + " ms after healing: " + states());
        }
        return new Result(config.seed(), config.peers(), now - healedAt, checker.committed.size(), proposals, events,
                network.sent, checker.establishedLeaders().size(), stats);
    }

    /** Runs events until virtual time {@code until}. */
    public void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time <= until) {
            step();
        }
        now = Math.max(now, until);
    }

    /** Runs events until {@code condition} holds (checked after each event) or virtual time {@code deadline}. */
    public boolean runUntil(BooleanSupplier condition, long deadline) {
        while (!condition.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().time > deadline) {
                now = Math.max(now, deadline);
                return condition.getAsBoolean();
            }
            step();
        }
        return true;
    }

    private void step() {
        Event e = queue.poll();
        now = e.time;
        events++;
        if (e.label != null) {
            trace(0, e.label);
        }
        try {
            e.action.run();
        } catch (Violation v) {
            throw v;
        } catch (RuntimeException ex) {
            throw (Violation) violation("no exceptions", "core threw " + ex).initCause(ex);
        }
        checker.afterEvent();
    }

    /** A leader is established, every peer is up and synced to it, and every peer has applied all that is committed. */
    public boolean converged() {
        SimHost leader = null;
        for (SimHost h : hosts) {
            if (h.retired) {
                continue; // removed from the ensemble: it stays silent and need not converge
            }
            if (!h.up) {
                return false;
            }
            if (h.core.isEstablishedLeader()) {
                leader = h;
            }
        }
        if (leader == null || checker.committed.isEmpty()) {
            return false;
        }
        for (SimHost h : hosts) {
            if (h != leader && !h.retired && !(h.core.isSyncedFollower() && h.core.leaderId() == leader.id)) {
                return false;
            }
        }
        // Something proposed after healing must be committed everywhere.
        return leader.core.committedZxid().epoch() == leader.core.leaderEpoch()
                && checker.allApplied(leader.core.committedZxid().counter());
    }

    // ---------------------------------------------------------------- scheduled activity

    private void scheduleTick(SimHost h, long at) {
        schedule(at, () -> {
            h.tick();
            int lead = config.profile().staleLeadPct();
            if (lead > 0 && faultPhase && h.up && h.core.role() == Role.LOOKING && random.nextInt(100) < lead) {
                count("fault.staleLead");
                trace(h.id, "FAULT stale election view: lead");
                h.staleLead();
            }
            scheduleTick(h, now + TICK_MILLIS);
        }, null);
    }

    private void scheduleClient(long at) {
        schedule(at, () -> {
            proposeToLeader();
            scheduleClient(now + 20 + random.nextInt(180));
        }, null);
    }

    /** A client write: goes to a peer that believes it is the established leader, if any. */
    public boolean proposeToLeader() {
        List<SimHost> leaders = new ArrayList<>();
        for (SimHost h : hosts) {
            if (h.up && h.core.canPropose()) {
                leaders.add(h);
            }
        }
        if (leaders.isEmpty()) {
            return false;
        }
        SimHost h = leaders.get(random.nextInt(leaders.size()));
        int batch = 1 + (random.nextInt(4) == 0 ? random.nextInt(5) : 0);
        for (int i = 0; i < batch; i++) {
            proposals++;
            h.propose(("s" + config.seed() + "-p" + proposals).getBytes(StandardCharsets.UTF_8));
        }
        trace(h.id, "client proposes " + batch);
        return true;
    }

    /** Runs with a client asking linearizable reads at random peers (drawn from a PRNG of its own). */
    public Simulation withReads() {
        readRandom = new Random(config.seed() * 31 + 7);
        return this;
    }

    private void scheduleReads(long at) {
        schedule(at, () -> {
            SimHost h = hosts.get(readRandom.nextInt(hosts.size()));
            if (h.up) {
                requestRead(h.id);
            }
            scheduleReads(now + 10 + readRandom.nextInt(90));
        }, null);
    }

    /** Asks a linearizable read at peer {@code id}; returns its id. */
    public long requestRead(int id) {
        long readId = ++reads;
        trace(id, "client reads " + readId);
        host(id).requestRead(readId);
        return readId;
    }

    /** The read index {@code readId} was confirmed with, or null if it was not (yet). */
    public dev.corral.zab.Zxid readIndex(long readId) {
        return checker.confirmedReads.get(readId);
    }

    public int confirmedReadCount() {
        return checker.confirmedReads.size();
    }

    public int pendingReads() {
        return checker.pendingReads();
    }

    private void scheduleFault(long at) {
        schedule(at, () -> {
            if (!faultPhase) {
                return;
            }
            injectFault();
            scheduleFault(now + 200 + random.nextInt(1500));
        }, null);
    }

    private void injectFault() {
        int n = config.members();
        FaultProfile profile = config.profile();
        int kind = random.nextInt(profile.totalWeight());
        if (kind < profile.linkWeight()) {
            int a = 1 + random.nextInt(n);
            int b = 1 + random.nextInt(n);
            if (a == b) {
                return;
            }
            boolean both = random.nextBoolean();
            long dur = 100 + random.nextInt(3000);
            count("fault.link");
            trace(0, "FAULT break link " + a + (both ? "<->" : "->") + b + " for " + dur + "ms");
            network.cut(a, b);
            if (both) {
                network.cut(b, a);
            }
            schedule(now + dur, () -> {
                network.restore(a, b);
                if (both) {
                    network.restore(b, a);
                }
            }, "HEAL link " + a + "-" + b);
        } else if (kind < profile.linkWeight() + profile.partitionWeight()) {
            Set<Integer> side = new TreeSet<>();
            for (int i = 1; i <= n; i++) {
                if (random.nextInt(3) == 0) {
                    side.add(i);
                }
            }
            if (side.isEmpty() || side.size() == n) {
                side = Set.of(1 + random.nextInt(n));
            }
            boolean symmetric = random.nextInt(3) > 0;
            long dur = 500 + random.nextInt(5000);
            Set<Integer> cut = side;
            count(symmetric ? "fault.partition" : "fault.partition.asymmetric");
            trace(0, "FAULT partition " + cut + (symmetric ? " | " : " -/-> ") + "rest for " + dur + "ms");
            for (int i = 1; i <= n; i++) {
                for (int j = 1; j <= n; j++) {
                    if (cut.contains(i) && !cut.contains(j)) {
                        network.cut(i, j);
                        if (symmetric) {
                            network.cut(j, i);
                        }
                    }
                }
            }
            schedule(now + dur, () -> {
                for (int i = 1; i <= n; i++) {
                    for (int j = 1; j <= n; j++) {
                        if (cut.contains(i) != cut.contains(j)) {
                            network.restore(i, j);
                        }
                    }
                }
            }, "HEAL partition " + cut);
        } else if (kind < profile.linkWeight() + profile.partitionWeight() + profile.crashWeight()) {
            SimHost h = hosts.get(random.nextInt(n));
            if (!h.up || h.retired) {
                return;
            }
            long down = random.nextInt(4) == 0 ? random.nextInt(50) : 200 + random.nextInt(profile.crashDownMax() - 200);
            count("fault.crash");
            trace(0, "FAULT crash " + h.id + " for " + down + "ms");
            h.crash();
            schedule(now + down, () -> {
                if (!h.up) {
                    h.restart();
                }
            }, null);
        } else if (kind < profile.linkWeight() + profile.partitionWeight() + profile.crashWeight()
                + profile.transferWeight()) {
            requestTransfer(n);
        } else if (kind < profile.linkWeight() + profile.partitionWeight() + profile.crashWeight()
                + profile.transferWeight() + profile.reconfigWeight()) {
            requestReconfig(n);
        } else {
            int a = 1 + random.nextInt(n);
            int b = 1 + random.nextInt(n);
            if (a != b) {
                count("fault.reset");
                connectionReset(a, b);
            }
        }
    }

    /** An operator asks for leadership to move: to a random peer at the leader, for itself at a follower, or a yield. */
    private void requestTransfer(int n) {
        SimHost h = hosts.get(random.nextInt(n));
        if (!h.up) {
            return;
        }
        int how = random.nextInt(3);
        int target = 1 + random.nextInt(n);
        String refusal = switch (how) {
            case 0 -> h.core.transferLeadership(target);
            case 1 -> h.core.transferLeadership(h.id);
            default -> h.core.yieldLeadership();
        };
        count(refusal == null ? "transfer.requested" : "transfer.refused");
        trace(h.id, "FAULT transfer " + (how == 0 ? "to " + target : how == 1 ? "rqld" : "ydld")
                + (refusal == null ? "" : " refused: " + refusal));
        h.pump();
    }

    /**
     * An operator asks the established leader for a random membership change: grow, shrink (at least 3 voters stay),
     * replace, or a voter/observer swap. Removed and never-added servers keep running; removed ones fall silent.
     */
    private void requestReconfig(int n) {
        List<SimHost> leaders = new ArrayList<>();
        for (SimHost h : hosts) {
            if (h.up && h.core.canPropose()) {
                leaders.add(h);
            }
        }
        if (leaders.isEmpty()) {
            count("reconfig.noLeader");
            return;
        }
        SimHost leader = leaders.get(random.nextInt(leaders.size()));
        QuorumVerifier cur = leader.core.activeConfig();
        Set<Integer> voters = new TreeSet<>(cur.voters());
        Set<Integer> observers = new TreeSet<>(cur.members());
        observers.removeAll(voters);
        List<Integer> outside = new ArrayList<>();
        for (SimHost h : hosts) {
            if (!h.retired && !voters.contains(h.id)) {
                outside.add(h.id);
            }
        }
        List<Integer> voterList = new ArrayList<>(voters);
        int kind = random.nextInt(4);
        int in = outside.isEmpty() ? -1 : outside.get(random.nextInt(outside.size()));
        int out = voterList.get(random.nextInt(voterList.size()));
        String what;
        if (kind == 0 && in > 0) {
            what = "grow +" + in;
            voters.add(in);
            observers.remove(in);
        } else if (kind == 1 && voters.size() > 3) {
            what = "shrink -" + out;
            voters.remove(out);
        } else if (kind == 2 && in > 0) {
            what = "replace " + out + " by " + in;
            voters.remove(out);
            voters.add(in);
            observers.remove(in);
        } else if (kind == 3 && voters.size() > 3) {
            what = "demote " + out;
            voters.remove(out);
            observers.add(out);
        } else if (kind == 3 && !observers.isEmpty()) {
            int o = new ArrayList<>(observers).get(random.nextInt(observers.size()));
            what = "promote " + o;
            observers.remove(o);
            voters.add(o);
        } else {
            return;
        }
        Set<Integer> members = new TreeSet<>(voters);
        members.addAll(observers);
        try {
            leader.proposeReconfig(ConfigPayloads.encode(voters, members));
            count("reconfig.proposed");
            trace(leader.id, "FAULT reconfig " + what + " -> voters " + voters + " members " + members);
        } catch (ReconfigRefusedException e) {
            count("reconfig.refused." + e.reason());
            trace(leader.id, "FAULT reconfig " + what + " refused: " + e.getMessage());
        }
    }

    /**
     * The connection a->b breaks and is redialled at once: what was in flight on it is lost, and b is told, as
     * coord-server's transport tells its host (a follower whose leader's connection closed looks for a leader at once).
     */
    void connectionReset(int a, int b) {
        trace(0, "FAULT connection reset " + a + "->" + b);
        boolean wasUp = network.isUp(a, b);
        network.cut(a, b);
        if (wasUp) {
            network.restore(a, b);
        }
        SimHost h = host(b);
        if (h.up) {
            h.peerUnreachable(a);
        }
        if (wasUp) {
            host(a).peerReachable(b); // a redialled b
        }
    }

    /** Peer {@code id} restarted: its links to the others and theirs to it open, as the transport redials. */
    void linksOpened(int id) {
        for (SimHost h : hosts) {
            if (h.id != id && h.up) {
                if (network.isUp(id, h.id)) {
                    host(id).peerReachable(h.id);
                }
                if (network.isUp(h.id, id)) {
                    h.peerReachable(id);
                }
            }
        }
    }

    private void healEverything() {
        trace(0, "HEAL everything");
        network.healAll();
        for (SimHost h : hosts) {
            if (!h.up && !h.retired) {
                h.restart();
            }
        }
    }

    // ---------------------------------------------------------------- services for hosts, checker and tests

    void schedule(long at, Runnable action, String label) {
        queue.add(new Event(at, seq++, action, label));
    }

    boolean inFaultPhase() {
        return faultPhase;
    }

    public long now() {
        return now;
    }

    Random random() {
        return random;
    }

    Network network() {
        return network;
    }

    Checker checker() {
        return checker;
    }

    SimConfig config() {
        return config;
    }

    public List<SimHost> hosts() {
        return hosts;
    }

    public SimHost host(int id) {
        return hosts.get(id - 1);
    }

    public ZabNode node(int id) {
        return host(id).core;
    }

    public int committedCount() {
        return checker.committed.size();
    }

    /** Test scripting: crash, restart, cut and restore links, by peer id. */
    public void crash(int id) {
        host(id).crash();
    }

    public void restart(int id) {
        host(id).restart();
    }

    public void cut(int from, int to) {
        trace(0, "cut " + from + "->" + to);
        network.cut(from, to);
    }

    public void restore(int from, int to) {
        network.restore(from, to);
    }

    public void isolate(int id) {
        for (SimHost h : hosts) {
            if (h.id != id) {
                cut(id, h.id);
                cut(h.id, id);
            }
        }
    }

    public void healNetwork() {
        network.healAll();
    }

    /** Proposes {@code count} payloads at the established leader; returns false if there is none. */
    public boolean propose(int count) {
        for (int i = 0; i < count; i++) {
            if (!proposeToLeader()) {
                return false;
            }
        }
        return true;
    }

    /** Proposes {@code count} payloads at peer {@code id}, which must believe it is an established leader. */
    public List<dev.corral.zab.Zxid> proposeAt(int id, int count) {
        SimHost h = host(id);
        List<dev.corral.zab.Zxid> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            proposals++;
            out.add(h.propose(("s" + config.seed() + "-p" + proposals).getBytes(StandardCharsets.UTF_8)));
        }
        trace(id, "client proposes " + count + " (scripted)");
        return out;
    }

    /** Runs for {@code millis} of virtual time. */
    public void runFor(long millis) {
        runUntil(now + millis);
    }

    /** Runs until {@code condition} or fails the test after {@code millis} of virtual time. */
    public void await(String what, BooleanSupplier condition, long millis) {
        if (!runUntil(condition, now + millis)) {
            throw violation("scenario", "timed out waiting for " + what + ": " + states());
        }
    }

    /** Proposes at the leader until every peer is synced and has applied something of the current epoch. */
    public void awaitConverged(long millis) {
        await("convergence", () -> {
            if (establishedLeader() > 0 && checker.committed.size() < proposals) {
                return converged();
            }
            if (establishedLeader() > 0 && !converged()) {
                proposeToLeader();
            }
            return converged();
        }, millis);
    }

    /** The established leader's id, or -1. */
    public int establishedLeader() {
        for (SimHost h : hosts) {
            if (h.up && h.core.isEstablishedLeader()) {
                return h.id;
            }
        }
        return -1;
    }

    void trace(int node, String line) {
        String s = String.format("%7d %s %s", now, node == 0 ? "  " : "n" + node, line);
        if (config.trace()) {
            System.out.println(s);
        }
        traceTail.addLast(s);
        if (traceTail.size() > TRACE_TAIL) {
            traceTail.removeFirst();
        }
    }

    String states() {
        StringBuilder sb = new StringBuilder();
        for (SimHost h : hosts) {
            sb.append("\n    ").append(h.up ? h.core.toString() : "peer " + h.id + " DOWN")
                    .append(" applied=").append(h.appliedZxid());
        }
        return sb.toString();
    }

    Violation violation(String invariant, String message) {
        String text = "[" + invariant + "] " + message + "\n  seed=" + config.seed() + " peers=" + config.peers()
                + " observers=" + config.observers()
                + " profile=" + config.profile().name() + " bugs=" + config.bugs() + " t=" + now + "ms" + "\n  peers:" + states()
                + "\n  replay: mvn -pl zab-core test -Dtest=SimulationTest -Dzab.seed=" + config.seed()
                + " -Dzab.peers=" + config.peers() + " -Dzab.observers=" + config.observers() + " -Dzab.profile=" + config.profile().name() + " -Dzab.trace=true"
                + "\n  last events:\n    " + String.join("\n    ", traceTail);
        return new Violation(invariant, text);
    }

    /** What a run did, for reporting. */
    public record Result(long seed, int peers, long convergeMillis, long committed, long proposals, long events,
                         long messages, long epochs, java.util.Map<String, Long> stats) {}

    public Role role(int id) {
        return node(id).role();
    }
}
