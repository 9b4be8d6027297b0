package dev.corral.server.monitor;

import dev.corral.server.replication.PeerStatus;
import java.util.Map;

/** What the AdminServer and /metrics report of an ensemble member; null stands for a standalone server. */
public interface Membership {
    int myId();

    PeerStatus status();

    /** zoo.cfg's server.N lines: id to "host:quorumPort:electionPort[...]". */
    Map<Integer, String> servers();

    /** How many of the servers vote (the others observe). */
    default int voterCount() {
        return servers().size();
    }

    /** The ZAB driver's counters (cheap to read from any thread), by metric name without the corral_ prefix. */
    Map<String, Long> zabCounters();
}
