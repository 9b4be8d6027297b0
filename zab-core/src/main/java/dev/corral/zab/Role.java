package dev.corral.zab;

/** What a peer is doing: electing, following a leader, or leading (the server reports it as Mode). */
public enum Role {
    LOOKING,
    FOLLOWING,
    LEADING
}
