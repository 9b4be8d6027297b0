package dev.corral.zab;

/** Thrown by {@link ZabNode#propose} on a peer that is not an established leader; carries the known leader or -1. */
public final class NotLeaderException extends RuntimeException {
    private final int leaderId;

    public NotLeaderException(int leaderId) {
        super(leaderId < 0 ? "no leader" : "not the leader; leader is " + leaderId);
        this.leaderId = leaderId;
    }

    public int leaderId() {
        return leaderId;
    }
}
