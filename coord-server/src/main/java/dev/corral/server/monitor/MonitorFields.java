package dev.corral.server.monitor;

import dev.corral.server.pipeline.ServerStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mntr's fields, without the {@code zk_} prefix the four-letter word adds (the AdminServer's monitor command prints
 * them bare, as ZooKeeper does): every field ZooKeeper 3.9.5 prints, in its order (zookeeper-mntr-fields.txt),
 * with Corral's figures where it measures them and ZooKeeper's untouched-metric zero elsewhere.
 */
public final class MonitorFields {
    private record Field(String name, boolean isDouble) {
    }

    private static final List<Field> FIELDS = load();

    private MonitorFields() {
    }

    /**
     * The fields for {@code s}; {@code askers} is 1 when a four-letter-word connection asks (ZooKeeper counts it
     * among the alive connections; Corral's processor never sees it), 0 over HTTP.
     */
    public static Map<String, Object> of(ServerStats s, int askers) {
        Map<String, Object> known = new LinkedHashMap<>();
        known.put("ephemerals_count", s.ephemeralsCount());
        known.put("num_alive_connections", s.connections().size() + askers);
        known.put("avg_latency", round(s.avgLatency()));
        known.put("outstanding_requests", s.outstanding());
        known.put("znode_count", s.nodeCount());
        known.put("global_sessions", s.sessionCount());
        known.put("packets_sent", s.sent());
        known.put("packets_received", s.received());
        known.put("watch_count", s.watchTableCount());
        known.put("approximate_data_size", s.approximateDataSize());
        known.put("min_latency", s.minLatency());
        known.put("max_latency", s.maxLatency());
        known.put("uptime", s.uptimeMs());
        known.put("local_sessions", 0);
        // Response sizes are not measured: -1 is ZooKeeper's value before the first response.
        known.put("last_client_response_size", -1);
        known.put("min_client_response_size", -1);
        known.put("max_client_response_size", -1);
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            known.put("open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            known.put("max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        known.putAll(s.stageFields());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", ServerVersion.FULL);
        m.put("server_state", s.mode());
        for (Field f : FIELDS) {
            Object v = known.get(f.name());
            m.put(f.name(), v != null ? v : f.isDouble() ? (Object) 0.0 : (Object) 0L);
        }
        // What ZooKeeper prints only in some roles (a leader's learners and proposal sizes) comes after.
        s.stageFields().forEach(m::putIfAbsent);
        return m;
    }

    /** Latency averages with ZooKeeper's precision (four decimals). */
    public static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static List<Field> load() {
        List<Field> fields = new ArrayList<>();
        try (InputStream in = MonitorFields.class.getResourceAsStream("zookeeper-mntr-fields.txt")) {
            if (in == null) {
                throw new IllegalStateException("zookeeper-mntr-fields.txt is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.trim().split(" ");
                fields.add(new Field(p[0], p[1].equals("double")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(fields);
    }
}
