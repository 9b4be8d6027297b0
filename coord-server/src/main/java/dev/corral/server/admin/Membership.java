package dev.corral.server.admin;

import dev.corral.server.replication.PeerStatus;
import java.util.Map;

/** What the AdminServer reports of an ensemble member; null stands for a standalone server. */
public interface Membership {
    int myId();

    PeerStatus status();

    /** zoo.cfg's server.N lines: id to "host:quorumPort:electionPort[...]". */
    Map<Integer, String> servers();
}
