package dev.corral.faults.resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * One member's memory over a phase, as a leak would show: the maxima, the least-squares slopes of RSS and of the old
 * generation in MB per hour, and the averages of the first and the last tenth of the samples. A member restarted
 * during the phase (a kill) is a new JVM that starts small again: the slope is the one line's slope that fits every
 * run of the member with an intercept of its own (least squares with one offset per pid), so that restarts neither
 * hide growth nor pass for shrinking. A restarted JVM's first {@link #RESTART_WARMUP_SECONDS} are left out of the
 * slope: its heap and RSS climb while it starts, loads its tree and catches up, which is not a leak. {@code runs}
 * counts the JVMs.
 */
public record MemoryTrend(String node, int samples, int runs, long maxHeapKb, long maxRssKb, double rssSlopeMbPerHour,
        double oldSlopeMbPerHour, long rssFirstTenthKb, long rssLastTenthKb, long oldFirstTenthKb,
        long oldLastTenthKb) {
    static final double RESTART_WARMUP_SECONDS = 30;

    /** The trend of one member's samples (in time order); null without samples. */
    public static MemoryTrend of(String node, List<Sample> s) {
        if (s.isEmpty()) {
            return null;
        }
        return new MemoryTrend(node, s.size(), byRun(s).size(), s.stream().mapToLong(Sample::heapUsedKb).max()
                .orElse(0), s.stream().mapToLong(Sample::rssKb).max().orElse(0), slopeMbPerHour(s, Sample::rssKb),
                slopeMbPerHour(s, Sample::oldUsedKb), tenth(s, Sample::rssKb, true), tenth(s, Sample::rssKb, false),
                tenth(s, Sample::oldUsedKb, true), tenth(s, Sample::oldUsedKb, false));
    }

    private static Map<Long, List<Sample>> byRun(List<Sample> s) {
        Map<Long, List<Sample>> runs = new LinkedHashMap<>();
        s.forEach(x -> runs.computeIfAbsent(x.pid(), p -> new ArrayList<>()).add(x));
        return runs;
    }

    /**
     * Least squares over (seconds, KB) within each run's samples, pooled, converted to MB per hour; 0 without two
     * distinct times in one run. The member's first run was up before the phase began; later ones are restarts.
     */
    static double slopeMbPerHour(List<Sample> s, ToLongFunction<Sample> kb) {
        double sxy = 0;
        double sxx = 0;
        boolean first = true;
        for (List<Sample> all : byRun(s).values()) {
            double from = first ? Double.NEGATIVE_INFINITY : all.get(0).seconds() + RESTART_WARMUP_SECONDS;
            first = false;
            List<Sample> run = all.stream().filter(x -> x.seconds() >= from).toList();
            double mx = run.stream().mapToDouble(Sample::seconds).average().orElse(0);
            double my = run.stream().mapToDouble(x -> kb.applyAsLong(x)).average().orElse(0);
            for (Sample x : run) {
                sxy += (x.seconds() - mx) * (kb.applyAsLong(x) - my);
                sxx += (x.seconds() - mx) * (x.seconds() - mx);
            }
        }
        return sxx == 0 ? 0 : sxy / sxx * 3600 / 1024;
    }

    private static long tenth(List<Sample> s, ToLongFunction<Sample> kb, boolean first) {
        int k = Math.max(1, s.size() / 10);
        List<Sample> part = first ? s.subList(0, k) : s.subList(s.size() - k, s.size());
        return Math.round(part.stream().mapToLong(kb).average().orElse(0));
    }

    /** One line for the report. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "%s: %d samples in %d run%s, max heap %d MB, max RSS %d MB; RSS"
                + " slope %+.1f MB/h (first tenth %d MB, last tenth %d MB); old-gen slope %+.1f MB/h (first tenth %d"
                + " MB, last tenth %d MB)", node, samples, runs, runs == 1 ? "" : "s", maxHeapKb / 1024,
                maxRssKb / 1024, rssSlopeMbPerHour, rssFirstTenthKb / 1024, rssLastTenthKb / 1024, oldSlopeMbPerHour,
                oldFirstTenthKb / 1024, oldLastTenthKb / 1024);
    }
}
