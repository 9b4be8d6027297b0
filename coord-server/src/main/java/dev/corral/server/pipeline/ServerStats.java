package dev.corral.server.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consistent snapshot of what the four-letter words and metrics report, taken on the processor thread.
 * {@code watchesBySession} holds what ZooKeeper keeps in its data-watch table (every kind but getChildren's), as
 * wchs, wchc and wchp list only that table; {@code watchTableCount} is mntr's watch_count: both of ZooKeeper's
 * tables, where a persistent (non-recursive) watch sits in both. {@code stageFields}: mntr's timed stages and
 * counters and the role's fields, by ZooKeeper's names ({@code StageStats}, {@code WritePath#roleFields}).
 */
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
        long uptimeMs,
        int watchTableCount,
        long approximateDataSize,
        Map<String, Object> stageFields) {

    /** One client connection, as cons prints it. */
    public record Connection(String address, long received, long sent, long sessionId, String lastOp,
                             long established, int timeout, long lastCxid, long lastZxid, long lastResponse,
                             long lastLatency, long minLatency, double avgLatency, long maxLatency) {
    }

    /** The watches wchs totals: ZooKeeper's data-watch table, which is what wchs, wchc and wchp show. */
    public int watchCount() {
        return watchesBySession.values().stream().mapToInt(Set::size).sum();
    }

    public long ephemeralsCount() {
        return ephemeralsBySession.values().stream().mapToLong(List::size).sum();
    }
}
