package dev.corral.server.ensemble;

import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.replication.PeerStatus;
import dev.corral.zab.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a follower's or observer's client connections open while it moves from one leader to the next, instead of
 * closing them as a ZooKeeper follower does; that includes a follower that becomes the new leader itself. Sound
 * because the member's applied state stays a prefix of the new leader's: requests forwarded to the old leader and not
 * yet answered were either committed (the new leader commits them before serving, and this member answers them as it
 * applies them) or never will be (ZAB drops an old epoch's uncommitted proposals). So once the new leader is found
 * (or this member leads, established), a read index from it is awaited and applied here (every surviving commit
 * answered), and what is still unanswered is sent again to the new leader (here: to this member's own proposer), in
 * each session's order. Meanwhile the connections stay open: pings and reads are answered from this member's state,
 * writes wait. The old leader's clients, a member that installs a snapshot, or a change that takes longer than two
 * ticks (at least a second) still start over (connections closed, clients reconnect). Processor thread only.
 */
final class LeaderChangeBridge {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderChangeBridge.class);
    /** A bridge may last two ticks, and at least this long (a busy machine's handover can take a few hundred ms). */
    static final long MIN_LIMIT_MS = 1000;

    private final ServerContext ctx;
    private final Replication replication;
    private final Forwarder forwarder;
    /** When the bridge started (ms), or -1 when there is none. */
    private long since = -1;
    /** The read index awaited from the new leader, or -1 while not yet known. */
    private long index = -1;
    /** Bumped whenever a bridge starts or ends, so that a late read index for an earlier one is ignored. */
    private long generation;
    private PeerStatus status = PeerStatus.STARTING;

    LeaderChangeBridge(ServerContext ctx, Replication replication, Forwarder forwarder) {
        this.ctx = ctx;
        this.replication = replication;
        this.forwarder = forwarder;
    }

    /**
     * The role changed to a new term: true if the clients are kept (the forwarder holds their writes), false if
     * they must start over (the caller resets the forwarder).
     */
    boolean onStatus(PeerStatus previous, PeerStatus next, long nowMs) {
        status = next;
        if (since < 0) {
            boolean fromLearner = previous.active()
                    && (previous.role() == Role.FOLLOWING || previous.role() == Role.OBSERVING);
            if (!fromLearner) {
                return end();
            }
            since = nowMs;
            forwarder.hold();
            // Operators and the process tests tell a kept-clients leader change from a start-over by these lines.
            LOG.info("server {}: leader change bridge: clients kept, writes held", replication.myId());
        }
        // Any read index asked of an earlier leader no longer vouches for anything.
        index = -1;
        long asked = ++generation;
        if (next.active()) {
            replication.readIndex(i -> onIndex(asked, i));
        }
        return true;
    }

    private void onIndex(long asked, long readIndex) {
        if (asked != generation || since < 0) {
            return;
        }
        index = readIndex;
        applied();
    }

    /** This member applied more: once it has applied the new leader's read index, the held writes go to it. */
    void applied() {
        if (since >= 0 && index >= 0 && ctx.zxids().last() >= index && status.active()) {
            long readIndex = index;
            end();
            int resent = forwarder.resend(status);
            LOG.info("server {}: leader change bridge: applied read index {} of leader {}, {} held writes resent",
                    replication.myId(), Long.toHexString(readIndex), status.leaderId(), resent);
        }
    }

    /** On each tick: true if the bridge took too long (the caller then starts every client over). */
    boolean expired(long nowMs) {
        if (since >= 0 && nowMs - since > Math.max(2L * ctx.config().tickTime(), MIN_LIMIT_MS)) {
            end();
            return true;
        }
        return false;
    }

    /** This member's store was replaced by a snapshot: its clients' watches may have missed changes. */
    boolean storeReplaced() {
        boolean was = since >= 0;
        end();
        return was;
    }

    private boolean end() {
        since = -1;
        index = -1;
        generation++;
        return false;
    }
}
