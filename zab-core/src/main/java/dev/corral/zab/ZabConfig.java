package dev.corral.zab;

/**
 * Static configuration of one peer.
 *
 * @param myId      this peer's id (a member of the quorum)
 * @param quorum    who votes and what a quorum is
 * @param initLimit ticks a peer may spend in discovery and sync before giving up (ZooKeeper's initLimit)
 * @param syncLimit ticks without hearing from the other side before a synced follower or leader gives up
 * @param maxBatch  most transactions per Proposal message when sending a DIFF
 */
public record ZabConfig(int myId, QuorumVerifier quorum, int initLimit, int syncLimit, int maxBatch) {
    public ZabConfig {
        if (!quorum.members().contains(myId)) {
            throw new IllegalArgumentException("peer " + myId + " is not a member of " + quorum);
        }
        if (initLimit < 1 || syncLimit < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public ZabConfig(int myId, QuorumVerifier quorum, int initLimit, int syncLimit) {
        this(myId, quorum, initLimit, syncLimit, 1000);
    }
}
