package dev.corral.server.pipeline;

/**
 * This server's place in the ensemble, as the pipeline sees it.
 *
 * @param mode     "leader", "follower" or "looking" (what srvr prints as Mode)
 * @param leaderId the leader's server id, -1 while looking
 * @param epoch    the epoch being led or followed
 * @param active   true when clients may be served (an established leader, a synced follower)
 */
public record ReplicaStatus(String mode, int leaderId, long epoch, boolean active) {
    public static final ReplicaStatus LOOKING = new ReplicaStatus("looking", -1, 0, false);

    public boolean isLeader() {
        return active && "leader".equals(mode);
    }
}
