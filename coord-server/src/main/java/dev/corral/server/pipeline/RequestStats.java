package dev.corral.server.pipeline;

/** Requests received and their latency, server-wide, for srvr, stat and mntr. Owned by the processor thread. */
final class RequestStats {
    long received;
    long minLatency = Long.MAX_VALUE;
    long maxLatency;
    long totalLatency;
    long latencyCount;
    final long startedMs = System.currentTimeMillis();

    /** srst: counters and latencies from zero, as ZooKeeper's resetStats; uptime keeps counting. */
    void reset() {
        received = 0;
        minLatency = Long.MAX_VALUE;
        maxLatency = 0;
        totalLatency = 0;
        latencyCount = 0;
    }

    void completed(long latencyMs) {
        minLatency = Math.min(minLatency, latencyMs);
        maxLatency = Math.max(maxLatency, latencyMs);
        totalLatency += latencyMs;
        latencyCount++;
    }

    long min() {
        return latencyCount == 0 ? 0 : minLatency;
    }

    double average() {
        return latencyCount == 0 ? 0 : (double) totalLatency / latencyCount;
    }
}
