package dev.corral.zab.sim;

import dev.corral.zab.Message;
import dev.corral.zab.QuorumVerifier;
import dev.corral.zab.TestNodes;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ZAB properties (Junqueira, Reed, Serafini, DSN 2011, section III) plus the durability rules the bugs of ZooKeeper's
 * history broke, checked against what the hosts actually did. "Delivered" = applied by a host; the first host to apply
 * a position defines the committed history every other host must agree with.
 */
final class Checker {
    private final Simulation sim;
    /** The config as of the end of the committed history (the initial one until a config change commits). */
    private QuorumVerifier quorum;
    private final dev.corral.zab.ConfigDecoder decoder;
    /** A config change just committed: its position, and the config before it (checked once, after the event). */
    private long configChangeAt;
    private QuorumVerifier configBefore;

    /** The committed history: index i holds the transaction at counter i+1. */
    final List<Txn> committed = new ArrayList<>();
    private final Map<Zxid, byte[]> proposed = new HashMap<>();
    private final Map<Long, Integer> primaryOf = new HashMap<>();
    private final Map<Long, Long> firstCounterOf = new HashMap<>();
    /** For each epoch whose primary proposed: its log (zxids, index 0 = base) when it started broadcasting. */
    private final TreeMap<Long, List<Zxid>> primaryHistory = new TreeMap<>();
    private final Map<Long, Integer> establishedLeader = new HashMap<>();
    /** The leader that completed discovery (a quorum of fresh epoch promises) of each epoch. */
    private final Map<Long, Integer> discoveredLeader = new HashMap<>();
    /** Coverage only: the peers that chose each epoch as would-be leaders. */
    private final Map<Long, Set<Integer>> choosers = new HashMap<>();
    private final long[] durableMatch;
    long acksChecked;
    /** Linearizable reads requested and not yet confirmed: id -> length of the committed history at request time. */
    private final Map<Long, Integer> readFloors = new HashMap<>();
    private final Map<Long, Integer> readHosts = new HashMap<>();
    final Map<Long, Zxid> confirmedReads = new HashMap<>();
    long applies;

    Checker(Simulation sim, QuorumVerifier quorum, int n, dev.corral.zab.ConfigDecoder decoder) {
        this.sim = sim;
        this.quorum = quorum;
        this.decoder = decoder;
        this.durableMatch = new long[n + 1];
    }

    // ---------------------------------------------------------------- broadcast side

    void onPropose(SimHost h, Zxid z, byte[] payload) {
        if (proposed.put(z, payload) != null) {
            throw sim.violation("integrity", "zxid " + z + " proposed twice");
        }
        Integer primary = primaryOf.putIfAbsent(z.epoch(), h.id);
        if (primary != null && primary != h.id) {
            throw sim.violation("one primary per epoch", "peers " + primary + " and " + h.id + " both propose in epoch " + z.epoch());
        }
        if (primary == null) {
            firstCounterOf.put(z.epoch(), z.counter());
            List<Zxid> history = TestNodes.logZxids(h.core);
            history.remove(history.size() - 1); // the proposal just made
            primaryHistory.put(z.epoch(), history);
            // Primary integrity: it delivered everything committed in earlier epochs before broadcasting.
            for (Txn t : committed) {
                if (t.epoch() < z.epoch() && !holds(history, t.zxid())) {
                    throw sim.violation("primary integrity", "primary " + h.id + " of epoch " + z.epoch()
                            + " broadcasts without committed " + t.zxid());
                }
            }
        }
    }

    private static boolean holds(List<Zxid> history, Zxid z) {
        Zxid base = history.get(0);
        if (z.counter() <= base.counter()) {
            return true; // inside its snapshot, which the apply checks validated
        }
        long i = z.counter() - base.counter();
        return i < history.size() && history.get((int) i).equals(z);
    }

    /** A linearizable read asked at {@code h}: nothing applied anywhere so far may be above its read index. */
    void onReadRequested(SimHost h, long id) {
        readFloors.put(id, committed.size());
        readHosts.put(id, h.id);
    }

    /** The read index of {@code id} must cover every txn any peer applied before the read was requested. */
    void onReadConfirmed(SimHost h, long id, Zxid index) {
        Integer floor = readFloors.remove(id);
        if (floor == null || readHosts.remove(id) != h.id) {
            throw sim.violation("read index", "peer " + h.id + " confirms read " + id + " it was never asked");
        }
        if (index.counter() < floor) {
            throw sim.violation("linearizable read", "peer " + h.id + " confirms read " + id + " at " + index
                    + " but " + committed.get(floor - 1).zxid() + " was applied before the read was asked");
        }
        int i = (int) index.counter() - 1;
        if (i >= 0 && i < committed.size() && !committed.get(i).zxid().equals(index)) {
            throw sim.violation("read index", "read " + id + " confirmed at " + index + " where "
                    + committed.get(i).zxid() + " was committed");
        }
        confirmedReads.put(id, index);
    }

    /** A crash loses the reads asked there (their clients see the connection drop). */
    void onCrash(SimHost h) {
        readHosts.entrySet().removeIf(e -> {
            if (e.getValue() == h.id) {
                readFloors.remove(e.getKey());
                return true;
            }
            return false;
        });
    }

    int pendingReads() {
        return readFloors.size();
    }

    /** Host {@code h} applies {@code t} (called before it is added to h.applied). */
    void onApply(SimHost h, Txn t) {
        applies++;
        long expected = h.applied.size() + 1;
        if (t.counter() != expected) {
            throw sim.violation("total order", "peer " + h.id + " applies " + t.zxid() + " at position " + expected);
        }
        int i = (int) t.counter() - 1;
        if (i < committed.size()) {
            if (!committed.get(i).equals(t)) {
                throw sim.violation("agreement", "peer " + h.id + " applies " + t.zxid() + " where " + committed.get(i).zxid() + " was committed");
            }
            return;
        }
        // A new position of the committed history.
        byte[] p = proposed.get(t.zxid());
        if (p == null || !Arrays.equals(p, t.payload())) {
            throw sim.violation("integrity", "peer " + h.id + " applies " + t.zxid() + " which no primary proposed");
        }
        if (!committed.isEmpty()) {
            Txn prev = committed.get(committed.size() - 1);
            if (prev.epoch() > t.epoch()) {
                throw sim.violation("global primary order", t.zxid() + " committed after " + prev.zxid());
            }
            if (prev.epoch() != t.epoch() && firstCounterOf.get(t.epoch()) != t.counter()) {
                throw sim.violation("local primary order", t.zxid() + " committed without the earlier proposals of its primary");
            }
        } else if (firstCounterOf.get(t.epoch()) != t.counter()) {
            throw sim.violation("local primary order", t.zxid() + " committed first but its primary proposed earlier ones");
        }
        for (Map.Entry<Long, List<Zxid>> e : primaryHistory.tailMap(t.epoch(), false).entrySet()) {
            if (!holds(e.getValue(), t.zxid())) {
                throw sim.violation("primary integrity", t.zxid() + " committed but the primary of epoch " + e.getKey()
                        + " broadcast without it");
            }
        }
        committed.add(t);
        QuorumVerifier next = decoder.configIn(t.payload());
        if (next != null) {
            configChangeAt = t.counter();
            configBefore = quorum;
            quorum = next;
            sim.count("reconfig.committed");
        }
    }

    void onSnapshotInstalled(SimHost h) {
        for (int i = 0; i < h.applied.size(); i++) {
            if (i >= committed.size() || !committed.get(i).equals(h.applied.get(i))) {
                throw sim.violation("agreement", "peer " + h.id + " installed a snapshot that disagrees at counter " + (i + 1));
            }
        }
    }

    void onAckSent(SimHost h, Message.Ack a) {
        acksChecked++;
        if (!h.durablyHolds(a.zxid())) {
            throw sim.violation("ack after persist", "peer " + h.id + " ACKs " + a.zxid() + " which is not on its disk (disk ends at "
                    + (h.durableLog.isEmpty() ? h.base : h.durableLog.get(h.durableLog.size() - 1).zxid()) + ")");
        }
    }

    // ---------------------------------------------------------------- after every event

    void afterEvent() {
        for (SimHost h : sim.hosts()) {
            long epoch = h.up ? h.core.leaderEpoch() : -1;
            if (epoch >= 0 && choosers.computeIfAbsent(epoch, k -> new HashSet<>()).add(h.id)
                    && choosers.get(epoch).size() == 2) {
                sim.count("epoch.chosenByTwo");
            }
            // A leader sets its currentEpoch to the epoch it leads when it completes discovery, and not before: that
            // epoch is above its acceptedEpoch when chosen. ZooKeeper's TLA+ specifications check this as Leadership2
            // (epochLeader[e] gains a leader when it turns to SYNCHRONIZATION; at most one per epoch).
            if (epoch >= 0 && h.core.currentEpoch() == epoch) {
                Integer prev = discoveredLeader.putIfAbsent(epoch, h.id);
                if (prev != null && prev != h.id) {
                    throw sim.violation("one leader per epoch past discovery", "peers " + prev + " and " + h.id
                            + " both completed discovery of epoch " + epoch);
                }
            }
            if (h.up && h.core.isEstablishedLeader()) {
                Integer prev = establishedLeader.putIfAbsent(h.core.leaderEpoch(), h.id);
                if (prev != null && prev != h.id) {
                    throw sim.violation("one established leader per epoch", "peers " + prev + " and " + h.id
                            + " both established in epoch " + h.core.leaderEpoch());
                }
            }
        }
        checkCommittedDurable();
    }

    /** Nothing committed is ever lost: every committed transaction is on the disks of a quorum. */
    private void checkCommittedDurable() {
        if (committed.isEmpty()) {
            return;
        }
        if (configBefore != null) {
            // ZooKeeper's rule: a config change commits on a quorum of the old config and of the new one.
            Set<Integer> holding = new HashSet<>();
            for (SimHost h : sim.hosts()) {
                if (covers(h, configChangeAt)) {
                    holding.add(h.id);
                }
            }
            if (!configBefore.containsQuorum(holding) || !quorum.containsQuorum(holding)) {
                throw sim.violation("config change committed on both quorums", "config " + quorum + " at "
                        + committed.get((int) configChangeAt - 1).zxid() + " committed while durable only on " + holding
                        + " (old config " + configBefore + ")");
            }
            configBefore = null;
        }
        Set<Integer> covering = new HashSet<>();
        long target = committed.size();
        for (SimHost h : sim.hosts()) {
            long m = Math.max(0, Math.min(durableMatch[h.id], h.durableChangedFrom - 1));
            h.durableChangedFrom = Long.MAX_VALUE;
            while (m < target && covers(h, m + 1)) {
                m++;
            }
            durableMatch[h.id] = m;
            if (m >= target) {
                covering.add(h.id);
            }
        }
        if (!quorum.containsQuorum(covering)) {
            long lowest = target;
            for (SimHost h : sim.hosts()) {
                lowest = Math.min(lowest, durableMatch[h.id]);
            }
            throw sim.violation("committed is durable on a quorum", "committed " + committed.get((int) target - 1).zxid()
                    + " is durable only on " + covering + " (disk prefixes " + Arrays.toString(durableMatch) + ")");
        }
    }

    private boolean covers(SimHost h, long counter) {
        Txn c = committed.get((int) counter - 1);
        if (counter <= h.base.counter()) {
            // In the snapshot: the state machine holds it (validated when applied or installed).
            return counter <= h.applied.size() && h.applied.get((int) counter - 1).equals(c);
        }
        Txn d = h.durableAt(counter);
        return d != null && d.equals(c);
    }

    /** True if every host has applied exactly the committed history and at least {@code counter}. */
    boolean allApplied(long counter) {
        for (SimHost h : sim.hosts()) {
            if (!h.retired && h.applied.size() < counter) {
                return false;
            }
        }
        return true;
    }

    Map<Long, Integer> establishedLeaders() {
        return establishedLeader;
    }
}
