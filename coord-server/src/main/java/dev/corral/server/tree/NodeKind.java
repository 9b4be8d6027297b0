package dev.corral.server.tree;

/** The lifetime class of a znode; decides who may delete it besides a client. */
public enum NodeKind {
    PERSISTENT,
    EPHEMERAL,
    CONTAINER,
    TTL;

    private static final NodeKind[] VALUES = values();

    public static NodeKind ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
