package dev.corral.server.ensemble;

/** What the request pipeline needs from replication when it runs in an ensemble. Thread-safe. */
public interface Replication {
    int myId();

    /** Proposes an envelope; only the established leader may. A failure shows up as a status change. */
    void propose(byte[] payload);

    /**
     * Proposes an envelope holding a config change (zab-core's proposeReconfig). If zab-core refuses it for
     * {@code reason}, {@code refused.apply(reason)} is proposed in its place (an error txn for the client).
     */
    void proposeReconfig(byte[] payload,
                         java.util.function.Function<dev.corral.zab.ReconfigRefusedException.Reason, byte[]> refused);

    /**
     * A config change committed and was applied to the tree (processor thread): the member switches to it
     * (dynamic config file, quorum peers' addresses, whether it is still a member).
     */
    default void configurationCommitted(long version, String serverLines) {
    }

    /** False once a committed configuration no longer lists this member. */
    default boolean isMember() {
        return true;
    }

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

    /**
     * Asks a read index: {@code onIndex} runs on the processor thread with the zxid counter a member must have
     * applied before it answers the linearizable reads asked so far. It waits while there is no leader.
     */
    void readIndex(java.util.function.LongConsumer onIndex);

    /** mntr's leader-only fields while this member leads (ZooKeeper's names), else empty. */
    default java.util.Map<String, Object> leaderFields() {
        return java.util.Map.of();
    }
}
