package dev.corral.server.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request stages Corral times, under the names of ZooKeeper's mntr summaries that measure the same thing:
 * {@code readlatency} (a read, from arrival to its reply queued), {@code updatelatency} (a write, from arrival to
 * its reply: after the round's fsync standalone, at its commit on an ensemble member), {@code fsynctime} (the
 * standalone round's fsync), {@code snapshottime} / {@code restore_time} (the admin commands), and the admin
 * commands' counters. Owned by the processor thread.
 */
final class StageStats {
    final Summary readLatency = new Summary();
    final Summary updateLatency = new Summary();
    final Summary fsyncTime = new Summary();
    final Summary snapshotTime = new Summary();
    final Summary restoreTime = new Summary();
    /** Counters by mntr name (snapshot_rate_limited_count, restore_error_count, ...). */
    final Map<String, Long> counters = new LinkedHashMap<>();

    void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    void reset() {
        readLatency.reset();
        updateLatency.reset();
        fsyncTime.reset();
    }

    /** The summaries for /metrics, by ZooKeeper's names; latencies are its "advanced" summaries. */
    java.util.List<SummaryFigure> figures() {
        return java.util.List.of(readLatency.figure("readlatency", true), updateLatency.figure("updatelatency", true),
                fsyncTime.figure("fsynctime", false), snapshotTime.figure("snapshottime", false),
                restoreTime.figure("restore_time", false));
    }

    /** The mntr fields, by ZooKeeper's names. */
    Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        readLatency.fields("readlatency", true, m);
        updateLatency.fields("updatelatency", true, m);
        fsyncTime.fields("fsynctime", false, m);
        snapshotTime.fields("snapshottime", false, m);
        restoreTime.fields("restore_time", false, m);
        m.putAll(counters);
        return m;
    }
}
