package dev.corral.zab.sim;

/** An invariant failed: the message names the invariant, the seed and how to replay it with a trace. */
public final class Violation extends AssertionError {
    private final String invariant;

    public Violation(String invariant, String message) {
        super(message);
        this.invariant = invariant;
    }

    public String invariant() {
        return invariant;
    }
}
