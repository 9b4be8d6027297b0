package dev.corral.zab;

/**
 * What a peer is doing: electing, following a leader, leading, or observing (learning from a leader without a vote).
 * The server reports it as Mode. OBSERVING is only ever reported by {@link ZabNode#role()}: on the wire an observer
 * that found its leader says FOLLOWING, which voters never count, so the election needs no fourth state.
 */
public enum Role {
    LOOKING,
    FOLLOWING,
    LEADING,
    OBSERVING
}
