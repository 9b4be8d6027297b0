package dev.corral.server.tree;

/**
 * Which create opcode a request came with. In ZooKeeper 3.9.5 the opcode, not the flags, picks the txn the create
 * becomes, and the txn decides the node's kind when it is applied; the flags still pick the checks (TTL, unknown
 * flags) and the sequence suffix.
 */
public enum CreateOpcode {
    /**
     * create (1) and create2 (15): a CreateTxn, which knows only "ephemeral or not", so the container flag (4) makes a
     * plain persistent node.
     */
    CREATE,
    /** createContainer (19): a CreateContainerTxn, a container whatever the (valid, non-TTL) flags say. */
    CREATE_CONTAINER,
    /** createTTL (21): a CreateTTLTxn; the node is what the flags say. */
    CREATE_TTL;

    /** The kind of node a create with {@code mode} makes when it came with this opcode. */
    NodeKind kindFor(CreateMode mode) {
        return switch (this) {
            case CREATE -> mode.kind() == NodeKind.CONTAINER ? NodeKind.PERSISTENT : mode.kind();
            case CREATE_CONTAINER -> NodeKind.CONTAINER;
            case CREATE_TTL -> mode.kind();
        };
    }
}
