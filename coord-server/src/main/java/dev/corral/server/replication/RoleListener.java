package dev.corral.server.replication;

/** Told when the peer's role, leader, epoch or activity changes, and when the driver stops on a fatal error. */
public interface RoleListener {

    /** Called on the driver thread; keep it short. */
    void onStatus(PeerStatus status);

    /**
     * The driver hit an error it cannot continue from (the log cannot be written, the snapshot sink failed, a bug)
     * and has stopped; the peer must not keep serving. Called on the driver thread just before it exits.
     */
    default void onFatal(Throwable error) {
    }
}
