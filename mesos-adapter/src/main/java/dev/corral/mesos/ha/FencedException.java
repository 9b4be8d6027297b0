package dev.corral.mesos.ha;

/**
 * A state write was refused because this instance is no longer the leader: the epoch moved on (another instance was
 * elected) or our election node is gone. The only right reaction is to stop acting as leader.
 */
public final class FencedException extends Exception {
    public FencedException(String message) {
        super(message);
    }
}
