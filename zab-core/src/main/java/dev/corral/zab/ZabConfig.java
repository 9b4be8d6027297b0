package dev.corral.zab;

/**
 * Static configuration of one peer.
 *
 * @param myId      this peer's id; a peer its config does not list is joining: it learns like an observer, and votes
 *                  once a config that lists it as a voter commits
 * @param quorum    who votes and what a quorum is
 * @param initLimit ticks a peer may spend in discovery and sync before giving up (ZooKeeper's initLimit)
 * @param syncLimit ticks without hearing from the other side before a synced follower or leader gives up
 * @param maxBatch  most transactions per Proposal message when sending a DIFF
 * @param configDecoder finds config changes in txn payloads; {@code quorum} is the config as of the host's applied
 *                  zxid (the last applied config it persisted, or at first start its static/dynamic config file)
 */
public record ZabConfig(int myId, QuorumVerifier quorum, int initLimit, int syncLimit, int maxBatch,
                        ConfigDecoder configDecoder) {
    public ZabConfig {
        if (initLimit < 1 || syncLimit < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (configDecoder == null) {
            throw new IllegalArgumentException("configDecoder is null (use ConfigDecoder.NONE)");
        }
    }

    public ZabConfig(int myId, QuorumVerifier quorum, int initLimit, int syncLimit, int maxBatch) {
        this(myId, quorum, initLimit, syncLimit, maxBatch, ConfigDecoder.NONE);
    }

    public ZabConfig(int myId, QuorumVerifier quorum, int initLimit, int syncLimit) {
        this(myId, quorum, initLimit, syncLimit, 1000);
    }
}
