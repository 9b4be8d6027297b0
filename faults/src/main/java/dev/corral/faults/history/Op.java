package dev.corral.faults.history;

import java.util.List;

/**
 * One line of a recorded history, in the shape Jepsen and Knossos use: a client process invokes an operation, and the
 * completion says it happened ({@link Type#OK}), certainly did not ({@link Type#FAIL}), or may or may not have
 * ({@link Type#INFO}: a timeout or a lost connection; the operation may take effect at any later time, or never).
 *
 * @param index   position in the history, from 0, in the order the events were recorded
 * @param process the client process (one thread with one session at a time); at most one operation outstanding per
 *                process. After an INFO completion the process never invokes again (Jepsen's rule: it may still be
 *                in flight), so a workload gives the thread a new process number.
 * @param type    invoke, ok, fail or info
 * @param f       the operation's function, named by the workload ("read", "write", "cas", "add", "enqueue", ...)
 * @param key     the independent key the operation touches (a register's name, a queue's), or null
 * @param value   the operation's argument (on invoke) or result (on ok): null, a Long, a String, a Boolean, or a
 *                List of those (e.g. cas as [expected, new]; a read of a set as the list of elements)
 * @param time    nanoseconds since the start of the run, from one clock for all processes
 * @param error   for fail and info: why (a ZooKeeper error code name such as "BADVERSION" or "CONNECTIONLOSS"), else
 *                null
 */
public record Op(long index, int process, Type type, String f, String key, Object value, long time, String error) {

    /** The four kinds of history event. */
    public enum Type { INVOKE, OK, FAIL, INFO }

    public boolean isInvoke() {
        return type == Type.INVOKE;
    }

    /** The value as a long (it must be a number). */
    public long longValue() {
        return ((Number) value).longValue();
    }

    /** The value as a list (it must be one). */
    @SuppressWarnings("unchecked")
    public List<Object> listValue() {
        return (List<Object>) value;
    }
}
