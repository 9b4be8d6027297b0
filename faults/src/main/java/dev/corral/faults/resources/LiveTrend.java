package dev.corral.faults.resources;

import java.util.List;

/**
 * One member's live set over a phase, as a leak would show: the first and last live heap (after forced full
 * collections), the slope of the live old generation in MB per hour (one intercept per JVM run, as in {@link
 * MemoryTrend}), znodes first and last, and how many MB the live heap grew per 10,000 znodes added, so that growth
 * which follows the data is told apart from growth at constant data. RSS and RocksDB's caches beside it.
 */
public record LiveTrend(String node, int samples, int runs, long firstHeapKb, long lastHeapKb, double oldSlopeMbPerHour,
        long firstZnodes, long lastZnodes, double mbPer10kZnodes, long firstRssKb, long lastRssKb,
        double rssSlopeMbPerHour, long lastBlockCacheBytes, long lastMemtableBytes) {
    /** Below this many znodes added, MB per 10,000 znodes would be noise: reported as NaN. */
    static final long MIN_ZNODE_GROWTH = 1_000;

    /** The trend of one member's live samples (in time order); null without samples. */
    public static LiveTrend of(String node, List<LiveSample> s) {
        if (s.isEmpty()) {
            return null;
        }
        LiveSample first = s.get(0);
        LiveSample last = s.get(s.size() - 1);
        List<Sample> memory = s.stream().map(LiveSample::memory).toList();
        long grown = last.znodes() - first.znodes();
        double perTenK = grown < MIN_ZNODE_GROWTH ? Double.NaN
                : (last.memory().oldUsedKb() - first.memory().oldUsedKb()) / 1024.0 / grown * 10_000;
        return new LiveTrend(node, s.size(), (int) memory.stream().mapToLong(Sample::pid).distinct().count(),
                first.memory().heapUsedKb(), last.memory().heapUsedKb(),
                MemoryTrend.slopeMbPerHour(memory, Sample::oldUsedKb), first.znodes(), last.znodes(), perTenK,
                first.memory().rssKb(), last.memory().rssKb(), MemoryTrend.slopeMbPerHour(memory, Sample::rssKb),
                last.blockCacheBytes(), last.memtableBytes());
    }

    /** One line for the report. */
    public String line() {
        String perZnodes = Double.isNaN(mbPer10kZnodes)
                ? String.format(java.util.Locale.ROOT, "znodes %d -> %d (no growth to relate it to)", firstZnodes,
                        lastZnodes)
                : String.format(java.util.Locale.ROOT, "znodes %d -> %d, %.2f MB per 10,000 znodes added",
                        firstZnodes, lastZnodes, mbPer10kZnodes);
        return String.format(java.util.Locale.ROOT, "%s: %d live samples in %d run%s, live heap %.1f -> %.1f MB,"
                + " live old-gen slope %+.1f MB/h; %s; RSS %d -> %d MB (slope %+.1f MB/h), block cache %.1f MB,"
                + " memtables %.1f MB", node, samples, runs, runs == 1 ? "" : "s", firstHeapKb / 1024.0,
                lastHeapKb / 1024.0, oldSlopeMbPerHour, perZnodes, firstRssKb / 1024, lastRssKb / 1024,
                rssSlopeMbPerHour, mb(lastBlockCacheBytes), mb(lastMemtableBytes));
    }

    private static double mb(long bytes) {
        return bytes < 0 ? -1 : bytes / 1048576.0;
    }
}
