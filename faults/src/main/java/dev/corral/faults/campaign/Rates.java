package dev.corral.faults.campaign;

import dev.corral.faults.history.History;
import dev.corral.faults.history.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One workload's throughput over a phase, read from its history: the OK operations completed in each bucket of
 * time, and the median and 99th percentile of their invoke-to-OK latency, so that "throughput back after the fault"
 * can be read off. Only operations completed while the workload ran count (not the final reads).
 */
final class Rates {
    /** Latencies in ms of the OK operations by the bucket their completion fell in. */
    private final List<List<Double>> buckets = new ArrayList<>();
    private final double bucketSeconds;
    private final List<Double[]> oks = new ArrayList<>();   // {completion seconds, latency ms}

    private Rates(double bucketSeconds) {
        this.bucketSeconds = bucketSeconds;
    }

    /** The rates of the OK operations that completed before {@code endSeconds} (history time). */
    static Rates of(History h, double endSeconds, double bucketSeconds) {
        Rates r = new Rates(bucketSeconds);
        Map<Integer, Op> pending = new HashMap<>();
        for (Op op : h.ops()) {
            if (op.isInvoke()) {
                pending.put(op.process(), op);
                continue;
            }
            Op inv = pending.remove(op.process());
            double t = op.time() / 1e9;
            if (op.type() != Op.Type.OK || inv == null || t >= endSeconds) {
                continue;
            }
            double ms = (op.time() - inv.time()) / 1e6;
            int b = (int) (t / bucketSeconds);
            while (r.buckets.size() <= b) {
                r.buckets.add(new ArrayList<>());
            }
            r.buckets.get(b).add(ms);
            r.oks.add(new Double[] {t, ms});
        }
        return r;
    }

    /** rates.txt: one line per bucket: start second, OK ops, OK ops/s, p50 and p99 latency in ms. */
    void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "# OK operations per %.0f s bucket; latency = invoke -> ok",
                bucketSeconds));
        lines.add(String.format("%8s %8s %9s %9s %9s", "from_s", "ok", "ok_per_s", "p50_ms", "p99_ms"));
        for (int i = 0; i < buckets.size(); i++) {
            List<Double> b = buckets.get(i);
            lines.add(String.format(Locale.ROOT, "%8.0f %8d %9.1f %9.1f %9.1f", i * bucketSeconds, b.size(),
                    b.size() / bucketSeconds, percentile(b, 50), percentile(b, 99)));
        }
        Files.write(file, lines);
    }

    /** "ok/s 412.0 p99 12.3 ms" over [from, to) seconds, or null when the window is empty. */
    String window(double from, double to) {
        if (to <= from) {
            return null;
        }
        List<Double> ms = new ArrayList<>();
        for (Double[] o : oks) {
            if (o[0] >= from && o[0] < to) {
                ms.add(o[1]);
            }
        }
        return String.format(Locale.ROOT, "%.1f ok/s p99 %.1f ms", ms.size() / (to - from), percentile(ms, 99));
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }
}
