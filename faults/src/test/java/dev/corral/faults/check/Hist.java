package dev.corral.faults.check;

import dev.corral.faults.history.History;
import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes histories by hand: each event's index is its position; a completion repeats its invoke's f and key. */
final class Hist {
    private final List<Op> ops = new ArrayList<>();
    private final Map<Integer, Op> pending = new HashMap<>();

    Hist invoke(int process, String f, String key, Object value) {
        Op op = new Op(ops.size(), process, Op.Type.INVOKE, f, key, value, ops.size(), null);
        pending.put(process, op);
        ops.add(op);
        return this;
    }

    Hist invoke(int process, String f, Object value) {
        return invoke(process, f, null, value);
    }

    Hist ok(int process, Object value) {
        return complete(process, Op.Type.OK, value, null);
    }

    Hist ok(int process) {
        return ok(process, pending.get(process).value());
    }

    Hist fail(int process, String error) {
        return complete(process, Op.Type.FAIL, pending.get(process).value(), error);
    }

    Hist info(int process, String error) {
        return complete(process, Op.Type.INFO, pending.get(process).value(), error);
    }

    Hist info(int process, Object value, String error) {
        return complete(process, Op.Type.INFO, value, error);
    }

    /** An invoke and its OK at once, as watch events and session expiries are recorded. */
    Hist pair(int process, String f, String key, Object value) {
        invoke(process, f, key, null);
        return ok(process, value);
    }

    private Hist complete(int process, Op.Type type, Object value, String error) {
        Op inv = pending.remove(process);
        ops.add(new Op(ops.size(), process, type, inv.f(), inv.key(), value, ops.size(), error));
        return this;
    }

    /** The index the next event will get. */
    long next() {
        return ops.size();
    }

    List<Op> ops() {
        return List.copyOf(ops);
    }

    History history() {
        return History.of(ops);
    }

    static List<Object> list(Object... values) {
        return Arrays.asList(values);
    }
}
