package dev.corral.zab.sim;

/**
 * Known-wrong protocols that tests plant in the simulation to prove the checker can fail ({@link PlantedBugTest},
 * {@link SeedSweep}). Every one is injected from test code around an unchanged {@code ZabNode}: zab-core's main code
 * has no switch for any of them. A planted bug applies to every peer; each injection counts how often it changed
 * something under {@code "planted." + name()} in the simulation's coverage counters.
 */
public enum PlantedBug {
    /**
     * A follower ACKs proposals before they are on its disk. Injected in the host ({@link SimHost}): it sends a Ready's
     * messages as soon as it takes the Ready, before persisting that Ready's entries, instead of after the fsync.
     */
    ACK_BEFORE_PERSIST,
    /**
     * The leader commits what it has itself persisted, without waiting for a quorum of ACKs. Injected through the
     * configuration: each peer's {@code ZabConfig} gets a {@link SelfQuorumWhileLeading} verifier, for which any set
     * holding the peer itself is a quorum while it is an established leader.
     */
    COMMIT_WITHOUT_QUORUM,
    /**
     * The leader sends a DIFF from the follower's last zxid where it should TRUNC the follower's divergent tail.
     * Injected on the wire: a {@link dev.corral.zab.SkipTrunc} tap in front of every node.
     */
    SKIP_TRUNC,
    /**
     * A follower takes a NEWEPOCH equal to its acceptedEpoch and reports it as a fresh promise, so two would-be leaders
     * of one epoch can both complete discovery. Injected on the wire: a {@link dev.corral.zab.StaleEpochPromise} tap
     * in front of every node. Caught under {@link FaultProfile#DISCOVERY_RACE}.
     */
    ACCEPT_STALE_EPOCH,
    /**
     * Observers' acknowledgements count toward quorums as if they were voters. Injected through the configuration:
     * each peer's {@code ZabConfig} gets an {@link ObserversCounted} verifier. Needs observers in the run.
     */
    OBSERVERS_COUNTED,
    /**
     * While a config change is pending, only the new config's quorum is counted (not also the old one's). Injected
     * through the configuration: every config a peer holds is a {@link NewQuorumOnlyWhilePending} verifier. Caught
     * under {@link FaultProfile#RECONFIG}.
     */
    NEW_QUORUM_ONLY_WHILE_PENDING,
    /**
     * The leader's SYNCED claims the entries it has written and sent, not only those it has fsynced, so a follower
     * commits entries only it holds durably. Injected on the wire: a {@link dev.corral.zab.SyncedOverclaim} tap.
     */
    SYNCED_OVERCLAIM,
    /**
     * A follower commits on the leader's SYNCED without waiting for its own fsync. Injected on the wire: a
     * {@link dev.corral.zab.SyncedAsCommit} tap turns each SYNCED into a COMMIT of the same zxid.
     */
    SYNCED_AS_COMMIT
}
