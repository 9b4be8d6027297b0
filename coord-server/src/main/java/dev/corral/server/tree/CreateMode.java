package dev.corral.server.tree;

/** The create flags a client sends, decoded (ZooKeeper's CreateMode). */
public record CreateMode(NodeKind kind, boolean sequential) {

    /** Decodes ZooKeeper's create flag, or null for a flag ZooKeeper does not know (BADARGUMENTS). */
    public static CreateMode fromFlag(int flag) {
        return switch (flag) {
            case 0 -> new CreateMode(NodeKind.PERSISTENT, false);
            case 1 -> new CreateMode(NodeKind.EPHEMERAL, false);
            case 2 -> new CreateMode(NodeKind.PERSISTENT, true);
            case 3 -> new CreateMode(NodeKind.EPHEMERAL, true);
            case 4 -> new CreateMode(NodeKind.CONTAINER, false);
            case 5 -> new CreateMode(NodeKind.TTL, false);
            case 6 -> new CreateMode(NodeKind.TTL, true);
            default -> null;
        };
    }
}
