package dev.corral.zab;

/**
 * Known-wrong behaviours that tests switch on to prove the simulator's checker can fail. Package-private: production
 * code cannot reach it, and {@link ZabNode}'s public constructor always passes none.
 */
enum PlantedBug {
    /** A follower ACKs proposals one Ready before it hands them to the host to persist. */
    ACK_BEFORE_PERSIST,
    /** The leader commits what it has itself persisted, without waiting for a quorum of ACKs. */
    COMMIT_WITHOUT_QUORUM,
    /** The leader sends a DIFF from the follower's last zxid where it should TRUNC the follower's divergent tail. */
    SKIP_TRUNC,
    /**
     * A follower takes any NEWEPOCH, even one not above its acceptedEpoch, and reports it as a fresh promise, so two
     * leaders can both gather a discovery quorum for one epoch. The simulator's discovery-race fault profile reaches
     * that race (PlantedBugTest); EpochPromiseRaceTest scripts it through to two established leaders.
     */
    ACCEPT_STALE_EPOCH
}
