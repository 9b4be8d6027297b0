package dev.corral.server.replication;

/**
 * A proposal this peer accepted as leader was neither seen committed nor dropped before it stopped leading: it may
 * still commit under the next leader. The server answers the client as ZooKeeper does when its server fails
 * (connection loss), and the commit, if it happens, arrives through the commit listener like any other.
 */
public final class ProposalOutcomeUnknownException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProposalOutcomeUnknownException(String message) {
        super(message);
    }
}
