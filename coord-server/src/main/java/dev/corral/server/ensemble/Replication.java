package dev.corral.server.ensemble;

/** What the request pipeline needs from replication when it runs in an ensemble. Thread-safe. */
public interface Replication {
    int myId();

    /** Proposes an envelope; only the established leader may. A failure shows up as a status change. */
    void propose(byte[] payload);

    /** Sends a host frame to a peer; false if there is no connection to it now. */
    boolean send(int peer, byte[] frame);

    /**
     * Leadership transfer: this member asks to lead ({@code yield} false; on the leader itself, nothing to do), or
     * the leader hands over to its most caught-up follower ({@code yield} true). Completes with null once asked, or
     * with why not.
     */
    default java.util.concurrent.CompletableFuture<String> leadership(boolean yield) {
        return java.util.concurrent.CompletableFuture.completedFuture("this server cannot hand leadership over");
    }

    /** mntr's leader-only fields while this member leads (ZooKeeper's names), else empty. */
    default java.util.Map<String, Object> leaderFields() {
        return java.util.Map.of();
    }
}
