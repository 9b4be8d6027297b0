package dev.corral.faults.resources;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every few seconds of a phase, each running member's RSS (VmRSS of /proc/&lt;pid&gt;/status) and heap ({@link
 * PerfData}). A member that is down or stopped (SIGSTOP) is skipped: it has nothing new to say.
 */
public final class ResourceSampler implements AutoCloseable {
    private final Cluster cluster;
    private final Duration every;
    private final long origin;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling now; times count from {@code origin} (System.nanoTime of the phase's start). */
    public ResourceSampler(Cluster cluster, Duration every, long origin) {
        this.cluster = cluster;
        this.every = every;
        this.origin = origin;
        this.thread = new Thread(this::loop, "resources");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            sampleOnce();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void sampleOnce() {
        double t = (System.nanoTime() - origin) / 1e9;
        for (Node n : cluster.nodes()) {
            if (n.paused()) {
                continue;
            }
            OptionalLong pid = n.pid();
            if (pid.isEmpty()) {
                continue;
            }
            long rss = rssKb(pid.getAsLong());
            Optional<PerfData> perf = PerfData.read(pid.getAsLong());
            if (rss < 0 || perf.isEmpty() || n.paused()) {
                continue;
            }
            synchronized (samples) {
                samples.add(new Sample(t, n.toString(), rss, perf.get().heapUsedKb(), perf.get().oldUsedKb(),
                        pid.getAsLong()));
            }
        }
    }

    /** VmRSS of the process in KB, or -1 when it is gone. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Each member's trend, by member name, in member order. */
    public Map<String, MemoryTrend> trends() {
        return PerNode.trends(cluster, samples(), Sample::node, MemoryTrend::of);
    }

    /** resources.csv: seconds, node, rss_kb, heap_used_kb, old_used_kb, pid. */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(Sample.CSV_HEADER);
        samples().forEach(s -> lines.add(s.csv()));
        Files.write(file, lines);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
