package dev.corral.faults.resources;

/**
 * One member's live set at one moment: its memory right after a forced full collection ({@code memory}: RSS, heap
 * used and old generation used then, which is what survives), and the data it holds then (mntr's zk_znode_count and
 * zk_approximate_data_size), with RocksDB's block cache and memtable usage from /metrics (-1 when not served).
 */
public record LiveSample(Sample memory, long znodes, long dataBytes, long blockCacheBytes, long memtableBytes) {
    static final String CSV_HEADER = "seconds,node,rss_kb,live_heap_kb,live_old_kb,pid,znodes,data_bytes,"
            + "block_cache_bytes,memtable_bytes";

    String csv() {
        return memory.csv() + "," + znodes + "," + dataBytes + "," + blockCacheBytes + "," + memtableBytes;
    }

    /** A field of mntr's answer ({@code zk_<name>\t<value>} lines), or -1 when absent. */
    static long mntrField(String mntr, String name) {
        return field(mntr, "zk_" + name, '\t');
    }

    /** An unlabelled gauge of a Prometheus text page ({@code name value}), or -1 when absent. */
    static long metric(String page, String name) {
        return field(page, name, ' ');
    }

    private static long field(String text, String name, char separator) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name) && line.length() > name.length() && line.charAt(name.length()) == separator) {
                try {
                    return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
