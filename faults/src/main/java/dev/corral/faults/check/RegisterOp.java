package dev.corral.faults.check;

import java.util.List;

/**
 * One call on one key of the compare-and-set register, with the register's sequential specification. The register's
 * state is a long; {@link #NO_DATA} stands for a znode without data (a read of null), which no write produces.
 */
final class RegisterOp {
    static final long NO_DATA = Long.MIN_VALUE;

    enum Kind { READ, WRITE, CAS }

    final int id;
    final Kind kind;
    /** read: the value seen; write: the value written; cas: the expected value. */
    final long a;
    /** cas: the new value. */
    final long b;
    /** It may or may not have taken effect, at any time after its invoke: it has no deadline. */
    final boolean indeterminate;
    final Call call;

    RegisterOp(int id, Kind kind, long a, long b, boolean indeterminate, Call call) {
        this.id = id;
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.indeterminate = indeterminate;
        this.call = call;
    }

    /** The op for a call, or null when it constrains nothing: failed (never happened), or a read without result. */
    static RegisterOp of(int id, Call c) {
        if (c.failed()) {
            return null;
        }
        switch (c.f()) {
            case "read":
                return c.ok() ? new RegisterOp(id, Kind.READ, value(c.result(), c), 0, false, c) : null;
            case "write":
                return new RegisterOp(id, Kind.WRITE, value(c.invoke().value(), c), 0, c.indeterminate(), c);
            case "cas":
                List<?> ab = c.invoke().value() instanceof List<?> l && l.size() == 2 ? l : null;
                if (ab == null) {
                    throw new IllegalArgumentException("event " + c.invokeIndex() + ": cas wants [expected, new], got "
                            + c.invoke().value());
                }
                return new RegisterOp(id, Kind.CAS, value(ab.get(0), c), value(ab.get(1), c), c.indeterminate(), c);
            default:
                throw new IllegalArgumentException("not a register function: " + c.f());
        }
    }

    private static long value(Object v, Call c) {
        if (v == null) {
            return NO_DATA;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("event " + c.invokeIndex() + ": register values are longs, got " + v);
    }

    boolean allowedIn(long state) {
        return kind == Kind.WRITE || state == a;
    }

    /** The state after this op; only meaningful where {@link #allowedIn} holds. */
    long after(long state) {
        return switch (kind) {
            case READ -> state;
            case WRITE -> a;
            case CAS -> b;
        };
    }

    /** The value this op leaves in the register, for the ops that change it. */
    long written() {
        return kind == Kind.CAS ? b : a;
    }

    static String show(long state) {
        return state == NO_DATA ? "no data" : Long.toString(state);
    }
}
