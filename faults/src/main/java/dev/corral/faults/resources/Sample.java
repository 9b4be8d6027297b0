package dev.corral.faults.resources;

/** One member's memory at one moment of a phase: resident set, heap used and old generation used, in KB. */
public record Sample(double seconds, String node, long rssKb, long heapUsedKb, long oldUsedKb) {
    static final String CSV_HEADER = "seconds,node,rss_kb,heap_used_kb,old_used_kb";

    String csv() {
        return String.format(java.util.Locale.ROOT, "%.1f,%s,%d,%d,%d", seconds, node, rssKb, heapUsedKb, oldUsedKb);
    }
}
