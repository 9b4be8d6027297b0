package dev.corral.zab.sim;

/**
 * How a simulation injects faults. {@link #STANDARD} is what the main CI seeds and the regression seeds run.
 * {@link #DISCOVERY_RACE} biases schedules toward the race that the follower's epoch promise exists for: two would-be
 * leaders that chose the same epoch, and a peer that goes from one to the other in the middle of discovery.
 *
 * <p>Faults come every 200-1700 ms in both profiles, one of: a link break, a partition, a crash, or a connection reset,
 * drawn by the weights below.
 *
 * @param name              as given to {@code -Dzab.profile}
 * @param linkWeight        a directed link (or both directions) breaks for a while and loses what was in flight
 * @param partitionWeight   a random group is cut off, symmetric or one-way
 * @param crashWeight       a peer crashes: a quarter of crashes last under 50 ms, the rest 200 ms to {@code crashDownMax}
 * @param resetWeight       one connection breaks and is redialled at once: what was in flight on it is lost, and the
 *                          receiving host is told (ZabNode.peerUnreachable), as coord-server's transport does
 * @param crashDownMax      ms
 * @param staleLeadPct      on each tick, a LOOKING peer takes itself as leader with this probability (percent), as if a
 *                          quorum's votes for it were still current
 * @param staleFollow       a LOOKING peer that hears from a peer that says it is LEADING follows it at once, as if the
 *                          quorum of FOLLOWING reports the election wants had arrived (stale reports)
 * @param discoveryBreakPct a leader's NEWEPOCH, DIFF/TRUNC/SNAP or NEWLEADER resets its connection to the follower
 *                          with this probability (percent): the message and what is in flight are lost, and the
 *                          follower goes back to election at once
 * @param discoveryDelayMax discovery and sync-start messages (also FOLLOWERINFO and ACKEPOCH) take up to this many ms
 *                          more than other messages (per-link FIFO still holds)
 * @param transferWeight    a leadership transfer is asked for: of the leader to a random peer, by a random follower
 *                          for itself (rqld), or a yield (ydld); drawn between crashes and resets, so a weight of 0
 *                          leaves the other profiles' schedules as they were
 * @param reconfigWeight    a random config change is proposed at the established leader (see {@link #RECONFIG});
 *                          drawn after transfers, so a weight of 0 leaves the other profiles' schedules as they were
 */
public record FaultProfile(String name, int linkWeight, int partitionWeight, int crashWeight, int resetWeight,
                           int crashDownMax, int staleLeadPct, boolean staleFollow, int discoveryBreakPct,
                           int discoveryDelayMax, int transferWeight, int reconfigWeight) {

    public static final FaultProfile STANDARD = new FaultProfile("standard", 3, 3, 4, 0, 5200, 0, false, 0, 0, 0, 0);

    /**
     * The discovery race. The election is not part of ZAB's safety argument (any peer may end up leading), so stale
     * election views are fair game here: LOOKING peers lead on their own or follow whoever says it leads, which gives
     * concurrent would-be leaders. Discovery messages are slow and connections from a leader break mid-discovery, which
     * sends followers from one would-be leader to another between FOLLOWERINFO, ACKEPOCH and NEWLEADER. Crashes are
     * frequent and short. Everything is random and seeded, over the unchanged core, and only in the fault phase.
     */
    public static final FaultProfile DISCOVERY_RACE =
            new FaultProfile("discovery-race", 3, 3, 8, 10, 1000, 30, true, 60, 100, 0, 0);

    /**
     * Leadership transfers among the standard faults: they take most of the draws, so hand-overs meet crashes,
     * partitions and lost links of the target, the leader and the others at every step of the hand-over.
     */
    public static final FaultProfile TRANSFER = new FaultProfile("transfer", 2, 2, 2, 2, 3000, 0, false, 0, 0, 8, 0);

    /**
     * Membership changes among the standard faults. The run's {@code observers} are not observers here but servers
     * outside the starting config (joiners, started empty with the voters plus themselves as their config). At random
     * times a random change is proposed at the current leader: grow (a non-voter becomes a voter), shrink (a voter
     * leaves), replace (both at once) or voter/observer swap; the leader may be the one removed.
     */
    public static final FaultProfile RECONFIG = new FaultProfile("reconfig", 3, 3, 4, 2, 3000, 0, false, 0, 0, 0, 7);

    public static FaultProfile named(String name) {
        for (FaultProfile p : new FaultProfile[] {STANDARD, DISCOVERY_RACE, TRANSFER, RECONFIG}) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no fault profile " + name + " (standard, discovery-race, transfer, reconfig)");
    }

    int totalWeight() {
        return linkWeight + partitionWeight + crashWeight + transferWeight + reconfigWeight + resetWeight;
    }
}
