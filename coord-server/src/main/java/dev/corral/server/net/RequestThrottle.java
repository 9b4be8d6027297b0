package dev.corral.server.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * ZooKeeper's globalOutstandingLimit: the server-wide count of requests read and not yet answered, and the rule
 * that stops reading from a connection while that count is over the limit and the connection itself has requests in
 * flight (ServerCnxn.incrOutstandingAndCheckThrottle). Without it a client that sends faster than the ensemble
 * commits fills the request queue, and the leader's proposal queue behind it, until the heap runs out; with it the
 * excess waits in the kernel's socket buffers and the client sees latency instead.
 *
 * <p>Only requests with a positive xid count, as in ZooKeeper: pings, auth and set-watches (negative xids) never
 * wait for a commit. A connection re-checks when one of its own replies goes out; one with nothing in flight is
 * never held, so every held connection has a reply coming that will release it.
 */
public final class RequestThrottle {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    /** {@code globalOutstandingLimit}, already divided as ZooKeeper divides it among an ensemble's members. */
    public RequestThrottle(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /**
     * The limit a member applies: ZooKeeper's followers and leader divide {@code globalOutstandingLimit} by the
     * quorum size less one (when the quorum has more than two voters), since every member's clients feed the same
     * leader.
     */
    public static int perMember(int globalOutstandingLimit, int voters) {
        int divisor = voters > 2 ? voters - 1 : 1;
        return Math.max(1, globalOutstandingLimit / divisor);
    }

    void started() {
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
    }

    void finished(int count) {
        inFlight.addAndGet(-count);
    }

    /** Whether a connection with {@code connectionInFlight} requests of its own in flight must stop reading. */
    boolean holds(int connectionInFlight) {
        return connectionInFlight > 0 && inFlight.get() > limit;
    }

    public int limit() {
        return limit;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The most requests ever in flight at once: what the limit bounded. */
    public int mostInFlight() {
        return mostInFlight.get();
    }
}
