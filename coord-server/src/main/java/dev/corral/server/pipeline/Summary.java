package dev.corral.server.pipeline;

import java.util.Arrays;
import java.util.Map;

/**
 * One of ZooKeeper's summaries (its AvgMinMaxPercentileCounter): count, sum, min, max, average, and p50/p95/p99/p999
 * over the most recent {@value #WINDOW} values (ZooKeeper's uses a uniform reservoir of about that size). Adding is
 * a few stores, so the hot path pays nothing measurable; the quantiles are computed when a report asks.
 * Thread-safe by being used from one thread only (the processor's); {@link #snapshot} copies.
 */
final class Summary {
    private static final int WINDOW = 1024;

    private final long[] recent = new long[WINDOW];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max;

    void add(long value) {
        recent[(int) (count % WINDOW)] = value;
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    void reset() {
        count = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = 0;
    }

    /**
     * The mntr fields of this summary named {@code name}, in ZooKeeper's spelling: avg_, min_, max_, cnt_, sum_ and,
     * with {@code quantiles}, p50_, p95_, p99_, p999_ (ZooKeeper prints quantiles for its "summary" metrics only).
     */
    void fields(String name, boolean quantiles, Map<String, Object> out) {
        out.put("avg_" + name, count == 0 ? 0.0 : (double) sum / count);
        out.put("min_" + name, count == 0 ? 0L : min);
        out.put("max_" + name, max);
        out.put("cnt_" + name, count);
        out.put("sum_" + name, sum);
        if (quantiles) {
            int n = (int) Math.min(count, WINDOW);
            long[] sorted = Arrays.copyOf(recent, n);
            Arrays.sort(sorted);
            out.put("p50_" + name, quantile(sorted, 0.5));
            out.put("p95_" + name, quantile(sorted, 0.95));
            out.put("p99_" + name, quantile(sorted, 0.99));
            out.put("p999_" + name, quantile(sorted, 0.999));
        }
    }

    /** For /metrics: ZooKeeper's Prometheus summaries carry p50, plus p90 and p99 for its "advanced" ones. */
    SummaryFigure figure(String name, boolean advanced) {
        int n = (int) Math.min(count, WINDOW);
        long[] sorted = Arrays.copyOf(recent, n);
        Arrays.sort(sorted);
        Map<Double, Long> q = new java.util.LinkedHashMap<>();
        q.put(0.5, quantile(sorted, 0.5));
        if (advanced) {
            q.put(0.9, quantile(sorted, 0.9));
            q.put(0.99, quantile(sorted, 0.99));
        }
        return new SummaryFigure(name, count, sum, q);
    }

    private static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
