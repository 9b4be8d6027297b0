package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An invocation and its completion. A call whose process never completed it (the run ended first) is indeterminate,
 * exactly like an INFO: it may have happened.
 *
 * @param invoke     the INVOKE event
 * @param completion the OK, FAIL or INFO event, or null
 */
public record Call(Op invoke, Op completion) {

    /**
     * Pairs each invocation with its process's next completion. A completion without an invocation, or a second
     * invocation while one is outstanding, breaks the history's contract: that is a bug of the recorder, not of the
     * system under test, so it is thrown rather than reported.
     */
    public static List<Call> pair(List<Op> ops) {
        return pair(ops, null);
    }

    /**
     * As {@link #pair(List)}, over the events whose function is one of the given ones only: the others (another
     * workload's, a nemesis's) are left out however they are shaped.
     */
    public static List<Call> pair(List<Op> ops, Set<String> functions) {
        Map<Integer, Op> pending = new HashMap<>();
        List<Call> calls = new ArrayList<>();
        for (Op op : ops) {
            if (functions != null && !functions.contains(op.f())) {
                continue;
            }
            if (op.isInvoke()) {
                Op previous = pending.put(op.process(), op);
                if (previous != null) {
                    throw new IllegalArgumentException("event " + op.index() + ": process " + op.process()
                            + " invokes while event " + previous.index() + " is outstanding");
                }
            } else {
                Op inv = pending.remove(op.process());
                if (inv == null) {
                    throw new IllegalArgumentException("event " + op.index() + ": a completion by process "
                            + op.process() + " with nothing outstanding");
                }
                if (!inv.f().equals(op.f())) {
                    throw new IllegalArgumentException("event " + op.index() + " completes " + op.f()
                            + " but event " + inv.index() + " invoked " + inv.f());
                }
                calls.add(new Call(inv, op));
            }
        }
        pending.values().forEach(inv -> calls.add(new Call(inv, null)));
        calls.sort(Comparator.comparingLong(Call::invokeIndex));
        return calls;
    }

    /** How many events have a function other than the given ones. */
    public static long others(List<Op> ops, Set<String> functions) {
        return ops.stream().filter(op -> !functions.contains(op.f())).count();
    }

    public String f() {
        return invoke.f();
    }

    public String key() {
        return invoke.key();
    }

    public int process() {
        return invoke.process();
    }

    public boolean ok() {
        return completion != null && completion.type() == Op.Type.OK;
    }

    public boolean failed() {
        return completion != null && completion.type() == Op.Type.FAIL;
    }

    /** INFO, or never completed: it may or may not have happened. */
    public boolean indeterminate() {
        return completion == null || completion.type() == Op.Type.INFO;
    }

    public long invokeIndex() {
        return invoke.index();
    }

    /** The completion's index; for a call that never completed, Long.MAX_VALUE (it is outstanding forever). */
    public long completionIndex() {
        return completion == null ? Long.MAX_VALUE : completion.index();
    }

    /** The completion's value, or null without a completion. */
    public Object result() {
        return completion == null ? null : completion.value();
    }

    /** Both events' indexes, or only the invoke's. */
    public long[] events() {
        return completion == null ? new long[] {invoke.index()} : new long[] {invoke.index(), completion.index()};
    }

    /** A short form for anomaly texts: {@code p3 write 5 -> ok 5 [12..15]}. */
    public String describe() {
        String outcome = completion == null ? "never completed"
                : completion.type().name().toLowerCase(java.util.Locale.ROOT)
                  + (completion.value() != null ? " " + completion.value() : "")
                  + (completion.error() != null ? " " + completion.error() : "");
        return "p" + process() + " " + f() + (invoke.value() != null ? " " + invoke.value() : "") + " -> " + outcome
                + " [" + invokeIndex() + ".." + (completion == null ? "" : completion.index()) + "]";
    }
}
