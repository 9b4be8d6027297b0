package dev.corral.zab;

import java.util.List;

/**
 * What the host recovered from disk at start-up.
 *
 * @param acceptedEpoch the last persisted acceptedEpoch
 * @param currentEpoch  the last persisted currentEpoch
 * @param snapshotZxid  the zxid the host's snapshot (state machine) covers; the log starts after it
 * @param log           the durable log entries after {@code snapshotZxid}, consecutive counters
 * @param appliedZxid   the last zxid the host's state machine has applied (at least {@code snapshotZxid}); everything
 *                      up to it is known committed
 */
public record DurableState(long acceptedEpoch, long currentEpoch, Zxid snapshotZxid, List<Txn> log, Zxid appliedZxid) {
    /** A brand-new peer. */
    public static final DurableState EMPTY = new DurableState(0, 0, Zxid.ZERO, List.of(), Zxid.ZERO);

    public DurableState {
        log = List.copyOf(log);
        if (currentEpoch > acceptedEpoch) {
            throw new IllegalArgumentException("currentEpoch " + currentEpoch + " > acceptedEpoch " + acceptedEpoch);
        }
        if (appliedZxid.counter() < snapshotZxid.counter()) {
            throw new IllegalArgumentException("applied " + appliedZxid + " before snapshot " + snapshotZxid);
        }
        long last = snapshotZxid.counter() + log.size();
        if (appliedZxid.counter() > last) {
            throw new IllegalArgumentException("applied " + appliedZxid + " beyond log end " + last);
        }
    }
}
