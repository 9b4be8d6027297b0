package dev.corral.server.metrics;

import dev.corral.server.monitor.Membership;
import dev.corral.server.monitor.MonitorFields;
import dev.corral.server.pipeline.RequestProcessor;
import dev.corral.server.pipeline.ServerFigures;
import dev.corral.server.pipeline.SummaryFigure;
import dev.corral.zab.Role;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's metrics under ZooKeeper's names (gauges, as ZooKeeper's Prometheus provider exports them), and
 * Corral's own under {@code corral_}. One {@link ServerFigures} per scrape, taken on the processor thread; the
 * formatting happens on the scraper's thread.
 */
final class ServerCollector implements MultiCollector {
    private static final long FIGURES_TIMEOUT_MS = 5000;

    private final RequestProcessor processor;
    private final Membership member;

    ServerCollector(RequestProcessor processor, Membership member) {
        this.processor = processor;
        this.member = member;
    }

    @Override
    public MetricSnapshots collect() {
        ServerFigures f;
        try {
            f = processor.figures().get(FIGURES_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // A processor that does not answer: export nothing of it rather than stale figures.
            return new MetricSnapshots();
        }
        List<MetricSnapshot> out = new ArrayList<>();
        gauge(out, "znode_count", f.nodeCount());
        gauge(out, "watch_count", f.watchCount());
        gauge(out, "ephemerals_count", f.ephemeralsCount());
        gauge(out, "approximate_data_size", f.approximateDataSize());
        gauge(out, "outstanding_requests", f.outstanding());
        gauge(out, "num_alive_connections", f.connections());
        gauge(out, "packets_received", f.received());
        gauge(out, "packets_sent", f.sent());
        gauge(out, "avg_latency", MonitorFields.round(f.avgLatency()));
        gauge(out, "min_latency", f.minLatency());
        gauge(out, "max_latency", f.maxLatency());
        gauge(out, "uptime", f.uptimeMs());
        gauge(out, "global_sessions", f.sessionCount());
        gauge(out, "local_sessions", 0);
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            gauge(out, "open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            gauge(out, "max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        if (member != null) {
            // ZooKeeper exports quorum_size on the leader only, as the leader's view of the voting members.
            if (member.status().role() == Role.LEADING) {
                gauge(out, "quorum_size", member.voterCount());
            }
            gauge(out, "corral_zab_epoch", member.status().epoch());
            member.zabCounters().forEach((name, value) -> counter(out, "corral_" + name, value));
        }
        // ZooKeeper's summaries (readlatency, updatelatency, fsynctime, ...) as Prometheus summaries, its counters
        // and a leader's gauges under their mntr names.
        for (SummaryFigure sf : f.summaries()) {
            summary(out, sf);
        }
        f.stageFields().forEach((name, value) -> {
            if (!name.startsWith("avg_") && !name.startsWith("min_") && !name.startsWith("max_")
                    && !name.startsWith("cnt_") && !name.startsWith("sum_") && !name.matches("p[0-9]+_.*")
                    && value instanceof Number n) {
                gauge(out, name, n.doubleValue());
            }
        });
        f.engineFigures().forEach((name, value) -> gauge(out, "corral_" + name, value));
        // Corral's commit latency: a write from arrival to durable and answered (fsync standalone, commit on a
        // member), in ms: updatelatency's figures under Corral's name.
        f.summaries().stream().filter(sf -> sf.name().equals("updatelatency")).findFirst()
                .ifPresent(sf -> summary(out, new SummaryFigure("corral_commit_latency_ms", sf.count(), sf.sum(),
                        sf.quantiles())));
        gauge(out, "corral_last_zxid", f.zxid());
        gauge(out, "corral_serving", f.serving() ? 1 : 0);
        return new MetricSnapshots(out);
    }

    private static void gauge(List<MetricSnapshot> out, String name, double value) {
        out.add(GaugeSnapshot.builder().name(name).help(name)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build());
    }

    private static void summary(List<MetricSnapshot> out, SummaryFigure f) {
        SummarySnapshot.SummaryDataPointSnapshot.Builder point = SummarySnapshot.SummaryDataPointSnapshot.builder()
                .count(f.count()).sum(f.sum());
        Quantiles.Builder quantiles = Quantiles.builder();
        f.quantiles().forEach((q, v) -> quantiles.quantile(q, v));
        point.quantiles(quantiles.build());
        out.add(SummarySnapshot.builder().name(f.name()).help(f.name()).dataPoint(point.build()).build());
    }

    private static void counter(List<MetricSnapshot> out, String name, double value) {
        out.add(CounterSnapshot.builder().name(name).help(name)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build());
    }
}
