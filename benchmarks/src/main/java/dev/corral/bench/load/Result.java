package dev.corral.bench.load;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** The outcome of one load-generator run: throughput, latency percentiles (microseconds) and errors. */
public record Result(String workload, String label, String connect, int sessions, int outstanding,
                     double seconds, long ops, Map<String, Long> errors,
                     double p50Us, double p99Us, double p999Us, double maxUs) {

    static Result of(String workload, String label, String connect, int sessions, int outstanding,
                     double seconds, Histogram latencyNanos, Map<String, Long> errors) {
        return new Result(workload, label, connect, sessions, outstanding, seconds, latencyNanos.getTotalCount(),
                new TreeMap<>(errors),
                latencyNanos.getValueAtPercentile(50) / 1000.0,
                latencyNanos.getValueAtPercentile(99) / 1000.0,
                latencyNanos.getValueAtPercentile(99.9) / 1000.0,
                latencyNanos.getMaxValue() / 1000.0);
    }

    public double opsPerSec() {
        return seconds > 0 ? ops / seconds : 0;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    static String tableHeader() {
        return String.format("%-12s %-10s %8s %6s %12s %10s %10s %10s %10s %8s",
                "workload", "label", "sessions", "outst", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                "errors");
    }

    String tableRow() {
        return String.format("%-12s %-10s %8d %6d %12.0f %10.3f %10.3f %10.3f %10.3f %8d",
                workload, label, sessions, outstanding, opsPerSec(), p50Us / 1000, p99Us / 1000, p999Us / 1000,
                maxUs / 1000, errorCount());
    }

    /** One JSON object on one line (no library: the fields are numbers and plain strings). */
    String json() {
        StringBuilder errs = new StringBuilder("{");
        errors.forEach((k, v) -> errs.append(errs.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v));
        errs.append('}');
        return String.format(java.util.Locale.ROOT,
                "{\"workload\":\"%s\",\"label\":\"%s\",\"connect\":\"%s\",\"sessions\":%d,\"outstanding\":%d,"
                        + "\"seconds\":%.3f,\"ops\":%d,\"ops_per_sec\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
                        + "\"p999_us\":%.1f,\"max_us\":%.1f,\"error_count\":%d,\"errors\":%s}",
                workload, label, connect, sessions, outstanding, seconds, ops, opsPerSec(), p50Us, p99Us, p999Us,
                maxUs, errorCount(), errs);
    }
}
