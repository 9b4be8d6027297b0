package dev.corral.server.monitor;

import dev.corral.server.pipeline.ServerStats;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * mntr's fields, without the {@code zk_} prefix the four-letter word adds (the AdminServer's monitor command prints
 * them bare, as ZooKeeper does), in ZooKeeper's order.
 */
public final class MonitorFields {
    private MonitorFields() {
    }

    public static Map<String, Object> of(ServerStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", ServerVersion.FULL);
        m.put("server_state", s.mode());
        m.put("ephemerals_count", s.ephemeralsCount());
        m.put("num_alive_connections", s.connections().size());
        m.put("avg_latency", round(s.avgLatency()));
        m.put("outstanding_requests", s.outstanding());
        m.put("znode_count", s.nodeCount());
        m.put("global_sessions", s.sessionCount());
        m.put("min_latency", s.minLatency());
        m.put("packets_received", s.received());
        m.put("packets_sent", s.sent());
        m.put("watch_count", s.watchTableCount());
        m.put("max_latency", s.maxLatency());
        m.put("uptime", s.uptimeMs());
        m.put("local_sessions", 0);
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.put("open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            m.put("max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        return m;
    }

    /** Latency averages with ZooKeeper's precision (four decimals). */
    public static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
