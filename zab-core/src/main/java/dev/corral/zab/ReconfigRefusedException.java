package dev.corral.zab;

/** A {@link ZabNode#proposeReconfig} the leader will not make now, with the reason (the host maps it to an error code). */
public final class ReconfigRefusedException extends RuntimeException {
    /** Why a config change was refused. */
    public enum Reason {
        /** Another config change is proposed and not yet committed. */
        IN_PROGRESS,
        /** A quorum of the new config's voters is not synced with this leader. */
        NO_QUORUM_SYNCED,
        /** This peer cannot propose (see {@link ZabNode#canPropose}). */
        NOT_LEADER
    }

    private final Reason reason;

    public ReconfigRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
