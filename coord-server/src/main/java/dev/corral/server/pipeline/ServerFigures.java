package dev.corral.server.pipeline;

import java.util.Map;

/**
 * The server's figures as counts only, for /metrics: what {@link ServerStats} reports without the per-connection,
 * per-watch and per-session lists, so that taking it on the processor thread costs little (a scrape every few
 * seconds must not slow requests). {@code stageFields} as in {@link ServerStats}; {@code engineFigures}: the store
 * engine's own figures (RocksDB's).
 */
public record ServerFigures(
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
        int connections,
        int watchCount,
        long ephemeralsCount,
        int sessionCount,
        long uptimeMs,
        long approximateDataSize,
        Map<String, Object> stageFields,
        java.util.List<SummaryFigure> summaries,
        Map<String, Long> engineFigures) {
}
