package dev.corral.faults.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Is one key's history of register ops linearizable? Wing & Gong's search with Lowe's memo of configurations (the
 * shape of Porcupine's): the call and return events sit in a doubly linked list in real-time order; the search walks
 * it from the front, linearizing a call when the register allows it and the resulting (linearized set, state)
 * configuration is new, and backtracking when it meets the return of an op not yet linearized. An indeterminate op
 * has no return event, so it may be linearized at any point after its invoke or never; the list running out means
 * every determinate op is linearized.
 *
 * <p>In the spirit of Lowe's just-in-time linearization, ops are linearized no earlier than something needs them: a
 * read the register allows is linearized at once and its siblings are not tried (it changes nothing, and every op that
 * had to precede it already is linearized, so no other order can do better), and an indeterminate op only right
 * before an op that needs its value (below).
 *
 * <p>Indeterminate ops pile up under a partition, and each doubles the configurations unless pruned. Two prunings keep
 * them in check, both sound because they only drop linearizations that another, kept one can stand for:
 * <ul>
 *   <li>An indeterminate op is only worth linearizing just before an op that needs the value it leaves (a read of it,
 *   a cas expecting it). Followed by a write instead, or by nothing, it can be left out: the write hides it. So after
 *   an indeterminate op the next op linearized may not be a write; the configuration remembers that restriction.</li>
 *   <li>Two indeterminate ops that do the same thing differ only by invoke time, and keeping the earlier-invoked one
 *   for later is never worse: of a group of them that could all be linearized now, only the latest-invoked is
 *   tried.</li>
 * </ul>
 * For the same reason the memo ({@link ConfigMemo}) counts the indeterminate ops linearized from each group of
 * identical ones rather than naming them: every one linearized was invoked before the configuration's first pending
 * return, as is every one it could still use, so which of them were used makes no difference to what can follow.
 */
final class RegisterSearch {
    enum Outcome { LINEARIZABLE, NOT_LINEARIZABLE, BUDGET_EXCEEDED }

    /** How far the search got when the history is not linearizable: where Knossos would stop. */
    record Failure(RegisterOp op, Map<Long, RegisterOp> statesWithSetter, List<RegisterOp> linearizedBefore) {}

    private static final int FRONTIER_STATES = 8;
    private static final int PATH_TAIL = 6;
    /** Tells apart in the memo a configuration whose next op may not be a write. */
    private static final long RESTRICTED_SALT = 0x6a09e667f3bcc909L;

    private final List<RegisterOp> ops;
    private final int head;
    private final int tail;
    private final int[] entryOp;
    private final boolean[] entryIsCall;
    private final int[] callPos;
    private final int[] retPos;
    private final int[] next;
    private final int[] prev;
    /** The next-invoked indeterminate op with the same effect, or -1. */
    private final int[] sameNext;
    /** For an indeterminate op, its group of identical ones; -1 for the others. */
    private final int[] group;
    /** Per group, how many are linearized. */
    private final int[] used;
    private final boolean[] lifted;
    /** The ops that need the register to hold a value (reads of it, cas expecting it), per value, in invoke order. */
    private int[][] needers;
    /** Per value, which of its needers are not linearized. */
    private BitSet[] unlinearizedNeeders;
    /** For an op that needs a value: the value's index in needers, and the op's place in that value's list. */
    private int[] neededValue;
    private int[] placeAmongNeeders;
    /** For an indeterminate op: the index of the value it leaves, or -1 when no op needs that value. */
    private int[] leavesValue;
    /** Positions of the return events of determinate ops not yet linearized: the first is the deadline. */
    private final BitSet pendingReturns = new BitSet();
    private final long[] zobristHi;
    private final long[] zobristLo;

    private final ConfigMemo seen = new ConfigMemo();
    private long steps;

    private int stuckPos = -1;
    private RegisterOp stuckOp;
    private final Map<Long, RegisterOp> stuckStates = new LinkedHashMap<>();
    private List<RegisterOp> stuckPath = List.of();

    /** ops: ids 0..n-1 in invoke order. */
    RegisterSearch(List<RegisterOp> ops) {
        this.ops = ops;
        int n = ops.size();
        int e = (int) (2 * n - ops.stream().filter(o -> o.indeterminate).count());
        head = e;
        tail = e + 1;
        entryOp = new int[e];
        entryIsCall = new boolean[e];
        callPos = new int[n];
        retPos = new int[n];
        next = new int[e + 2];
        prev = new int[e + 2];
        linkEventsInRealTimeOrder();

        sameNext = new int[n];
        group = new int[n];
        used = new int[groupIdenticalIndeterminateOps()];
        lifted = new boolean[n];
        indexNeeders();
        SplittableRandom random = new SplittableRandom(0x5eed_c0ffeeL);
        zobristHi = new long[n];
        zobristLo = new long[n];
        for (int i = 0; i < n; i++) {
            zobristHi[i] = random.nextLong();
            zobristLo[i] = random.nextLong();
        }
    }

    private void linkEventsInRealTimeOrder() {
        record Event(long index, int op, boolean call) {}
        List<Event> events = new ArrayList<>();
        for (RegisterOp o : ops) {
            events.add(new Event(o.call.invokeIndex(), o.id, true));
            if (!o.indeterminate) {
                events.add(new Event(o.call.completionIndex(), o.id, false));
            }
        }
        events.sort((x, y) -> Long.compare(x.index, y.index));
        int e = events.size();
        for (int p = 0; p < e; p++) {
            Event ev = events.get(p);
            entryOp[p] = ev.op;
            entryIsCall[p] = ev.call;
            if (ev.call) {
                callPos[ev.op] = p;
            } else {
                retPos[ev.op] = p;
                pendingReturns.set(p);
            }
        }
        int last = head;
        for (int p = 0; p < e; p++) {
            next[last] = p;
            prev[p] = last;
            last = p;
        }
        next[last] = tail;
        prev[tail] = last;
    }

    /** Fills group and sameNext; returns the number of groups. */
    private int groupIdenticalIndeterminateOps() {
        java.util.Arrays.fill(sameNext, -1);
        java.util.Arrays.fill(group, -1);
        Map<List<Long>, Integer> groups = new HashMap<>();
        Map<Integer, Integer> lastOfGroup = new HashMap<>();
        for (RegisterOp o : ops) {
            if (o.indeterminate) {
                int g = groups.computeIfAbsent(List.of((long) o.kind.ordinal(), o.a, o.b), k -> groups.size());
                group[o.id] = g;
                Integer before = lastOfGroup.put(g, o.id);
                if (before != null) {
                    sameNext[before] = o.id;
                }
            }
        }
        return groups.size();
    }

    /**
     * Runs the search from the register's initial value, stopping after maxConfigs new configurations or at the
     * deadline (a System.nanoTime value).
     */
    Outcome run(long initial, long maxConfigs, long deadlineNanos) {
        int n = ops.size();
        int[] stackOp = new int[n];
        long[] stackState = new long[n];
        boolean[] stackRestricted = new boolean[n];
        boolean[] stackForced = new boolean[n];
        int depth = 0;
        long state = initial;
        boolean restricted = false;
        long hi = 0;
        long lo = 0;
        int entry = next[head];
        while (true) {
            if ((++steps & 1023) == 0 && System.nanoTime() - deadlineNanos > 0) {
                return Outcome.BUDGET_EXCEEDED;
            }
            if (entry == tail) {
                return Outcome.LINEARIZABLE;
            }
            boolean deadEnd = false;
            if (entryIsCall[entry]) {
                int id = entryOp[entry];
                RegisterOp op = ops.get(id);
                if (op.allowedIn(state) && !(restricted && op.kind == RegisterOp.Kind.WRITE)
                        && (!op.indeterminate || (neededNow(id) && !dominated(id)))) {
                    // A read the register allows now is best linearized now: it changes nothing, and every op that
                    // must precede it is linearized already. So its siblings need no trying, here or on the way back.
                    boolean forced = op.kind == RegisterOp.Kind.READ;
                    long after = op.after(state);
                    long nh = hi ^ tokenHi(id);
                    long nl = lo ^ tokenLo(id);
                    if (group[id] >= 0) {
                        used[group[id]]++;
                    }
                    boolean isNew = remember(nh, nl, after, op.indeterminate);
                    if (group[id] >= 0) {
                        used[group[id]]--;
                    }
                    if (isNew) {
                        if (seen.size() > maxConfigs) {
                            return Outcome.BUDGET_EXCEEDED;
                        }
                        stackOp[depth] = id;
                        stackState[depth] = state;
                        stackRestricted[depth] = restricted;
                        stackForced[depth] = forced;
                        depth++;
                        state = after;
                        restricted = op.indeterminate;
                        hi = nh;
                        lo = nl;
                        lift(id);
                        entry = next[head];
                        continue;
                    }
                    deadEnd = forced;
                }
                if (!deadEnd) {
                    entry = next[entry];
                    continue;
                }
            } else {
                // The op returning here is not linearized, and no later choice can put it before its return.
                noteStuck(entry, state, stackOp, depth);
            }
            int id;
            do {
                if (depth == 0) {
                    return Outcome.NOT_LINEARIZABLE;
                }
                depth--;
                id = stackOp[depth];
                state = stackState[depth];
                restricted = stackRestricted[depth];
                unlift(id);
                hi ^= tokenHi(id);
                lo ^= tokenLo(id);
            } while (stackForced[depth]);
            entry = next[callPos[id]];
        }
    }

    long configs() {
        return seen.size();
    }

    Failure failure() {
        return new Failure(stuckOp, stuckStates, stuckPath);
    }

    /** What linearizing op id adds to the fingerprint of the determinate set: indeterminate ops are counted apart. */
    private long tokenHi(int id) {
        return group[id] < 0 ? zobristHi[id] : 0;
    }

    private long tokenLo(int id) {
        return group[id] < 0 ? zobristLo[id] : 0;
    }

    private boolean remember(long hi, long lo, long state, boolean restricted) {
        long freeHi = hi ^ mix(state);
        long freeLo = lo ^ mix(state ^ 0x9e3779b97f4a7c15L);
        long h = restricted ? hi ^ mix(state ^ RESTRICTED_SALT) : freeHi;
        long l = restricted ? lo ^ mix(state ^ RESTRICTED_SALT ^ 0x9e3779b97f4a7c15L) : freeLo;
        return seen.add(h, l, freeHi, freeLo, restricted, used);
    }

    private void indexNeeders() {
        int n = ops.size();
        Map<Long, Integer> valueIndex = new HashMap<>();
        List<List<Integer>> lists = new ArrayList<>();
        neededValue = new int[n];
        placeAmongNeeders = new int[n];
        java.util.Arrays.fill(neededValue, -1);
        for (RegisterOp o : ops) {
            if (o.kind != RegisterOp.Kind.WRITE) {
                int v = valueIndex.computeIfAbsent(o.a, k -> {
                    lists.add(new ArrayList<>());
                    return lists.size() - 1;
                });
                neededValue[o.id] = v;
                placeAmongNeeders[o.id] = lists.get(v).size();
                lists.get(v).add(o.id);
            }
        }
        needers = new int[lists.size()][];
        unlinearizedNeeders = new BitSet[lists.size()];
        for (int v = 0; v < lists.size(); v++) {
            needers[v] = lists.get(v).stream().mapToInt(Integer::intValue).toArray();
            unlinearizedNeeders[v] = new BitSet(needers[v].length);
            unlinearizedNeeders[v].set(0, needers[v].length);
        }
        leavesValue = new int[n];
        for (RegisterOp o : ops) {
            leavesValue[o.id] = o.indeterminate ? valueIndex.getOrDefault(o.written(), -1) : -1;
        }
    }

    /**
     * Whether an op that needs the value the indeterminate op id leaves could be linearized right after it: one not
     * linearized, invoked before the first pending return. Without one, linearizing id now is pointless (a write
     * would have to follow it).
     */
    private boolean neededNow(int id) {
        int v = leavesValue[id];
        if (v < 0) {
            return false;
        }
        int deadline = pendingReturns.nextSetBit(0);
        BitSet open = unlinearizedNeeders[v];
        for (int k = open.nextSetBit(0); k >= 0; k = open.nextSetBit(k + 1)) {
            int o = needers[v][k];
            if (deadline >= 0 && callPos[o] > deadline) {
                return false; // the rest were invoked later still
            }
            if (o != id) {
                return true;
            }
        }
        return false;
    }

    /** Whether a later-invoked indeterminate op with the same effect could be linearized now instead. */
    private boolean dominated(int id) {
        int deadline = pendingReturns.nextSetBit(0);
        for (int z = sameNext[id]; z >= 0 && (deadline < 0 || callPos[z] < deadline); z = sameNext[z]) {
            if (!lifted[z]) {
                return true;
            }
        }
        return false;
    }

    private void lift(int id) {
        lifted[id] = true;
        if (neededValue[id] >= 0) {
            unlinearizedNeeders[neededValue[id]].clear(placeAmongNeeders[id]);
        }
        if (group[id] >= 0) {
            used[group[id]]++;
        }
        unlink(callPos[id]);
        if (!ops.get(id).indeterminate) {
            unlink(retPos[id]);
            pendingReturns.clear(retPos[id]);
        }
    }

    /** Undoes {@link #lift} in reverse order, as dancing links require. */
    private void unlift(int id) {
        lifted[id] = false;
        if (neededValue[id] >= 0) {
            unlinearizedNeeders[neededValue[id]].set(placeAmongNeeders[id]);
        }
        if (group[id] >= 0) {
            used[group[id]]--;
        }
        if (!ops.get(id).indeterminate) {
            relink(retPos[id]);
            pendingReturns.set(retPos[id]);
        }
        relink(callPos[id]);
    }

    private void unlink(int p) {
        next[prev[p]] = next[p];
        prev[next[p]] = prev[p];
    }

    private void relink(int p) {
        next[prev[p]] = p;
        prev[next[p]] = p;
    }

    private void noteStuck(int entry, long state, int[] stackOp, int depth) {
        if (entry < stuckPos) {
            return;
        }
        if (entry > stuckPos) {
            stuckPos = entry;
            stuckOp = ops.get(entryOp[entry]);
            stuckStates.clear();
            List<RegisterOp> path = new ArrayList<>();
            for (int i = Math.max(0, depth - PATH_TAIL); i < depth; i++) {
                path.add(ops.get(stackOp[i]));
            }
            stuckPath = path;
        }
        if (stuckStates.size() < FRONTIER_STATES && !stuckStates.containsKey(state)) {
            RegisterOp setter = null;
            for (int i = depth - 1; i >= 0 && setter == null; i--) {
                RegisterOp o = ops.get(stackOp[i]);
                if (o.kind != RegisterOp.Kind.READ) {
                    setter = o;
                }
            }
            stuckStates.put(state, setter);
        }
    }

    /** SplitMix64's finalizer: spreads a state over the fingerprint's bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
