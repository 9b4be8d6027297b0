package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The register workload: read, write and cas on independent keys, each a compare-and-set register starting at 0,
 * must be linearizable. Linearizability is compositional, so each key is searched alone ({@link RegisterSearch}).
 * FAIL ops never happened and are dropped; INFO ops (and ops never completed) may take effect at any time after their
 * invoke, or never.
 *
 * <p>The search is exponential in the worst case, so it has a budget: configurations per key and a time limit for the
 * whole history, shared out so that each key may use an equal part of what the keys before it left. A key that
 * exhausts its budget makes the verdict unknown (unless another key is not linearizable); one hard key cannot starve
 * the others.
 */
public final class LinearizabilityChecker implements Checker {
    public static final long DEFAULT_MAX_CONFIGS_PER_KEY = 2_000_000;
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(60);
    static final long INITIAL_VALUE = 0;
    private static final Set<String> FUNCTIONS = Set.of("read", "write", "cas");

    private final long maxConfigsPerKey;
    private final Duration timeLimit;

    private final String workload;

    public LinearizabilityChecker() {
        this("register");
    }

    /** The checker of a register workload named {@code workload} (register, register-nosync). */
    public LinearizabilityChecker(String workload) {
        this(DEFAULT_MAX_CONFIGS_PER_KEY, DEFAULT_TIME_LIMIT, workload);
    }

    public LinearizabilityChecker(long maxConfigsPerKey, Duration timeLimit) {
        this(maxConfigsPerKey, timeLimit, "register");
    }

    private LinearizabilityChecker(long maxConfigsPerKey, Duration timeLimit, String workload) {
        this.maxConfigsPerKey = maxConfigsPerKey;
        this.timeLimit = timeLimit;
        this.workload = workload;
    }

    @Override
    public String name() {
        return workload;
    }

    @Override
    public Result check(List<Op> history) {
        long deadline = System.nanoTime() + timeLimit.toNanos();
        Result.Builder r = Result.builder(name());
        Map<String, List<Call>> byKey = new TreeMap<>();
        long ignored = Call.others(history, FUNCTIONS);
        for (Call c : Call.pair(history, FUNCTIONS)) {
            byKey.computeIfAbsent(String.valueOf(c.key()), k -> new ArrayList<>()).add(c);
        }
        r.count("keys", byKey.size()).count("ops", 0).count("ok", 0).count("info", 0).count("fail", 0)
                .count("info-unobserved", 0).count("configs", 0).count("keys-unknown", 0);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        int keysLeft = byKey.size();
        for (Map.Entry<String, List<Call>> e : byKey.entrySet()) {
            long now = System.nanoTime();
            checkKey(e.getKey(), e.getValue(), now + Math.max(0, deadline - now) / keysLeft--, r);
        }
        return r.build();
    }

    private void checkKey(String key, List<Call> calls, long deadline, Result.Builder r) {
        List<RegisterOp> ops = relevantOps(calls, r);
        List<Anomaly> unsourced = valuesFromNowhere(key, ops);
        if (!unsourced.isEmpty()) {
            unsourced.forEach(r::anomaly);
            return;
        }
        RegisterSearch search = new RegisterSearch(ops);
        RegisterSearch.Outcome outcome = search.run(INITIAL_VALUE, maxConfigsPerKey, deadline);
        r.add("configs", search.configs());
        switch (outcome) {
            case LINEARIZABLE -> { }
            case BUDGET_EXCEEDED -> {
                r.add("keys-unknown", 1);
                r.doubt("key " + key + ": search budget exhausted after " + search.configs() + " configurations ("
                        + ops.size() + " ops; limits " + maxConfigsPerKey + " configurations per key, " + timeLimit
                        + " shared by the keys)");
            }
            case NOT_LINEARIZABLE -> r.anomaly(describe(key, search.failure()));
        }
    }

    /**
     * The ops that constrain the search, with dense ids in invoke order. An indeterminate write (or cas) of a value
     * that no op ever needs to find in the register (no read saw it, no cas expected it) is dropped too: wherever it
     * is linearized, the next op to follow it must be a write (nothing else accepts that value), so leaving it out
     * changes nothing, and keeping it would double the search for each such write a partition piles up. An
     * indeterminate cas that writes the value it expects is dropped for the same reason: it can only be left out.
     */
    private static List<RegisterOp> relevantOps(List<Call> calls, Result.Builder r) {
        List<RegisterOp> candidates = new ArrayList<>();
        Set<Long> needed = new HashSet<>();
        for (Call c : calls) {
            r.add("ops", 1);
            r.add(c.ok() ? "ok" : c.failed() ? "fail" : "info", 1);
            RegisterOp op = RegisterOp.of(0, c);
            if (op == null) {
                continue;
            }
            candidates.add(op);
            if (op.kind != RegisterOp.Kind.WRITE) {
                needed.add(op.a);
            }
        }
        List<RegisterOp> ops = new ArrayList<>();
        for (RegisterOp op : candidates) {
            boolean noOp = op.kind == RegisterOp.Kind.CAS && op.a == op.b;
            if (op.indeterminate && op.kind != RegisterOp.Kind.READ && (noOp || !needed.contains(op.written()))) {
                r.add("info-unobserved", 1);
                continue;
            }
            ops.add(new RegisterOp(ops.size(), op.kind, op.a, op.b, op.indeterminate, op.call));
        }
        return ops;
    }

    /**
     * A quick refutation that needs no search: a read (or cas) that found a value no op could have written before it
     * completed. Such values are what corruption or a mixed-up key produce, and the search would have to exhaust
     * every configuration before it to say so, which indeterminate ops can make too costly.
     */
    private static List<Anomaly> valuesFromNowhere(String key, List<RegisterOp> ops) {
        Map<Long, RegisterOp> firstWriter = new HashMap<>();
        for (RegisterOp o : ops) {
            if (o.kind != RegisterOp.Kind.READ) {
                firstWriter.putIfAbsent(o.written(), o); // ops are in invoke order
            }
        }
        List<Anomaly> found = new ArrayList<>();
        for (RegisterOp o : ops) {
            if (o.kind == RegisterOp.Kind.WRITE || o.indeterminate || o.a == INITIAL_VALUE) {
                continue;
            }
            RegisterOp writer = firstWriter.get(o.a);
            if (writer == null || writer.call.invokeIndex() > o.call.completionIndex()) {
                found.add(new Anomaly("not-linearizable", java.util.Arrays.stream(o.call.events()).boxed().toList(),
                        "key " + key + ": " + o.call.describe() + " cannot be linearized: no op wrote "
                                + RegisterOp.show(o.a) + " before it completed"
                                + (writer == null ? "" : " (the first, " + writer.call.describe() + ", came later)")));
            }
        }
        return found;
    }

    private static Anomaly describe(String key, RegisterSearch.Failure f) {
        List<Long> events = new ArrayList<>();
        for (long i : f.op().call.events()) {
            events.add(i);
        }
        String states = f.statesWithSetter().entrySet().stream().map(s -> {
            RegisterOp setter = s.getValue();
            if (setter != null) {
                events.add(setter.call.invokeIndex());
            }
            return RegisterOp.show(s.getKey()) + (setter == null ? " (initial)" : " (set by " + setter.call.describe()
                    + ")");
        }).collect(Collectors.joining(", "));
        for (RegisterOp o : f.linearizedBefore()) {
            events.add(o.call.invokeIndex());
        }
        String path = f.linearizedBefore().stream().map(o -> o.call.describe()).collect(Collectors.joining("; "));
        return new Anomaly("not-linearizable", events.stream().distinct().toList(),
                "key " + key + ": " + f.op().call.describe() + " cannot be linearized; the register can only hold "
                        + states + " before its completion; the last ops linearized before it: "
                        + (path.isEmpty() ? "none" : path));
    }
}
