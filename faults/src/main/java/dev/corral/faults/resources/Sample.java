package dev.corral.faults.resources;

/**
 * One member's memory at one moment of a phase: resident set, heap used and old generation used, in KB; and the pid
 * of the member's JVM then (a restarted member is a new JVM: its series starts over).
 */
public record Sample(double seconds, String node, long rssKb, long heapUsedKb, long oldUsedKb, long pid) {
    static final String CSV_HEADER = "seconds,node,rss_kb,heap_used_kb,old_used_kb,pid";

    String csv() {
        return String.format(java.util.Locale.ROOT, "%.1f,%s,%d,%d,%d,%d", seconds, node, rssKb, heapUsedKb,
                oldUsedKb, pid);
    }
}
