package dev.corral.server.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A consistent snapshot of what the four-letter words and metrics report, taken on the processor thread. */
public record ServerStats(
        boolean serving,
        String mode,
        long zxid,
        long nodeCount,
        long received,
        long sent,
        int outstanding,
        long minLatency,
        double avgLatency,
        long maxLatency,
        List<Connection> connections,
        Map<Long, Set<String>> watchesBySession,
        int sessionCount,
        Map<Long, List<String>> ephemeralsBySession,
        Map<Long, Long> sessionTimeouts,
        long uptimeMs) {

    /** One client connection, as cons prints it. */
    public record Connection(String address, long received, long sent, long sessionId, String lastOp,
                             long established, int timeout, long lastCxid, long lastZxid, long lastResponse,
                             long lastLatency, long minLatency, double avgLatency, long maxLatency) {
    }

    public int watchCount() {
        return watchesBySession.values().stream().mapToInt(Set::size).sum();
    }

    public long ephemeralsCount() {
        return ephemeralsBySession.values().stream().mapToLong(List::size).sum();
    }
}
