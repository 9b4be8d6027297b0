package dev.corral.server.net;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One connection's side of the {@link RequestThrottle}, and of its own reply backlog: the connection stops reading
 * while the server is over its outstanding limit and this connection has requests in flight, or while the replies
 * it has not taken fill Netty's outbound buffer past the high-water mark (a client that sends and never reads would
 * otherwise hold every reply in the server's memory). Frames already decoded when reading stops wait here, in order,
 * and go on when the gate opens.
 *
 * <p>Threads: {@link #read}, {@link #open} and {@link #closed} run on the channel's event loop; {@link #replied} on
 * the request processor's thread. {@code holding} is set before the check that may clear it, so a reply that lands
 * between the two always schedules another look.
 */
final class ReadGate {
    private final Channel channel;
    private final RequestThrottle throttle;
    private final Consumer<byte[]> submit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private volatile boolean holding;

    ReadGate(Channel channel, RequestThrottle throttle, Consumer<byte[]> submit) {
        this.channel = channel;
        this.throttle = throttle;
        this.submit = submit;
    }

    /** A request frame was read (length prefix stripped: xid first). */
    void read(byte[] frame) {
        if (holding) {
            waiting.add(frame);
            return;
        }
        pass(frame);
        holdIfNeeded();
    }

    /** A frame went out to the client; {@code xid} from its reply header (a connect reply has none: pass 0). */
    void replied(int xid) {
        if (xid <= 0) {
            return;
        }
        if (decrementIfPositive()) {
            throttle.finished(1);
        }
        if (holding) {
            channel.eventLoop().execute(this::open);
        }
    }

    /** Lets waiting frames through while nothing holds the connection; reading resumes once none wait. */
    void open() {
        while (holding && !mustHold()) {
            byte[] next = waiting.poll();
            if (next == null) {
                holding = false;
                channel.config().setAutoRead(true);
                return;
            }
            pass(next);
        }
    }

    /** The outbound buffer went over its high-water mark: stop taking requests until the client reads. */
    void backlogged() {
        holdIfNeeded();
    }

    /** The connection is gone: what it had in flight no longer counts. */
    void closed() {
        throttle.finished(inFlight.getAndSet(0));
        waiting.clear();
    }

    private void holdIfNeeded() {
        if (holding) {
            return;
        }
        holding = true;
        if (mustHold()) {
            channel.config().setAutoRead(false);
        } else {
            holding = false;
        }
    }

    private boolean mustHold() {
        return throttle.holds(inFlight.get()) || !channel.isWritable();
    }

    private void pass(byte[] frame) {
        if (readInt(frame) > 0) {
            inFlight.incrementAndGet();
            throttle.started();
        }
        submit.accept(frame);
    }

    private boolean decrementIfPositive() {
        while (true) {
            int n = inFlight.get();
            if (n == 0) {
                return false;
            }
            if (inFlight.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    static int readInt(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
