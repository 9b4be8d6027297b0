package dev.corral.server.pipeline;

/** Counters of one connection, as the cons and stat four-letter words report them. */
final class ConnectionStats {
    final long established;
    long received;
    long sent;
    String lastOp = "NA";
    long lastCxid = -1;
    long lastZxid = -1;
    long lastResponse;
    long lastLatency;
    long minLatency = Long.MAX_VALUE;
    long maxLatency;
    long totalLatency;
    long latencyCount;

    ConnectionStats(long established) {
        this.established = established;
    }

    /** crst: counters and latencies from zero; the connection's identity (established, last op) stays. */
    void reset() {
        received = 0;
        sent = 0;
        lastLatency = 0;
        minLatency = Long.MAX_VALUE;
        maxLatency = 0;
        totalLatency = 0;
        latencyCount = 0;
    }

    void completed(String op, int xid, long zxid, long latencyMs, long nowMs) {
        lastOp = op;
        lastCxid = xid;
        lastZxid = zxid;
        lastResponse = nowMs;
        lastLatency = latencyMs;
        minLatency = Math.min(minLatency, latencyMs);
        maxLatency = Math.max(maxLatency, latencyMs);
        totalLatency += latencyMs;
        latencyCount++;
    }
}
