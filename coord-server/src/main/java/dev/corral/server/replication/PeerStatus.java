package dev.corral.server.replication;

import dev.corral.zab.Role;

/**
 * What a peer is doing, as the server reports it (Mode) and uses it to redirect writes.
 *
 * @param role     LOOKING, FOLLOWING, LEADING or OBSERVING
 * @param leaderId the leader this peer follows or is, -1 while looking
 * @param epoch    the epoch being led or followed (the leader's new epoch once chosen), else the current epoch
 * @param active   true for an established leader (may propose) or a follower synced with UPTODATE (serves the
 *                 current epoch); false while electing, discovering or syncing
 */
public record PeerStatus(Role role, int leaderId, long epoch, boolean active) {
    public static final PeerStatus STARTING = new PeerStatus(Role.LOOKING, -1, 0, false);

    /** An established leader: it may propose, and it orders every write, expiry and sweep. */
    public boolean canPropose() {
        return role == Role.LEADING && active;
    }

    /** What srvr prints as Mode: "leader", "follower", "observer" or "looking". */
    public String mode() {
        return switch (role) {
            case LEADING -> "leader";
            case FOLLOWING -> "follower";
            case OBSERVING -> "observer";
            default -> "looking";
        };
    }

    @Override
    public String toString() {
        return role + (leaderId >= 0 ? " leader=" + leaderId : "") + " epoch=" + epoch + (active ? " active" : "");
    }
}
