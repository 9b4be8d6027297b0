package dev.corral.faults.resources;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every few minutes of a phase, each running member's live set: {@code jcmd <pid> GC.run} forces a full collection,
 * then the heap and old generation used ({@link PerfData}) are what survived it. The heap sampled in between
 * ({@link ResourceSampler}) is mostly garbage waiting for a collection, so only these samples can show a leak. Beside
 * each: the member's znodes and data size (mntr), so growth that follows the data is told apart, and RocksDB's block
 * cache and memtables (/metrics), which are most of the RSS outside the heap. A JVM's first sample and the phase's
 * end also keep a class histogram (what is live, to diff) and the native memory summary under {@code live/}.
 */
public final class LiveSampler implements AutoCloseable {
    /** A collection of a 256 MB heap takes well under this; a member SIGSTOPped meanwhile makes jcmd wait. */
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private final Cluster cluster;
    private final Duration every;
    private final long origin;
    private final Path dir;
    private final List<LiveSample> samples = new ArrayList<>();
    private final Set<Long> described = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts now (a first sample at once); times count from {@code origin}; histograms go to {@code dir}. */
    public LiveSampler(Cluster cluster, Duration every, long origin, Path dir) throws IOException {
        this.cluster = cluster;
        this.every = every;
        this.origin = origin;
        this.dir = Files.createDirectories(dir);
        this.thread = new Thread(this::loop, "live-set");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            sampleAll("first");
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sampleAll(String label) {
        for (Node n : cluster.nodes()) {
            if (!n.paused()) {
                sample(n, label);
            }
        }
    }

    private void sample(Node n, String label) {
        OptionalLong pid = n.pid();
        if (pid.isEmpty()) {
            return;
        }
        long p = pid.getAsLong();
        if (!jcmd(p, "GC.run").isPresent()) {
            return;
        }
        double t = (System.nanoTime() - origin) / 1e9;
        Optional<PerfData> perf = PerfData.read(p);
        long rss = ResourceSampler.rssKb(p);
        String mntr = n.word("mntr");
        String metrics = n.metrics();
        if (perf.isEmpty() || rss < 0 || n.paused()) {
            return;
        }
        LiveSample s = new LiveSample(new Sample(t, n.toString(), rss, perf.get().heapUsedKb(),
                perf.get().oldUsedKb(), p), LiveSample.mntrField(mntr, "znode_count"),
                LiveSample.mntrField(mntr, "approximate_data_size"),
                LiveSample.metric(metrics, "corral_rocksdb_block_cache_usage_bytes"),
                LiveSample.metric(metrics, "corral_rocksdb_cur_size_all_mem_tables_bytes"));
        synchronized (samples) {
            samples.add(s);
        }
        boolean firstOfRun;
        synchronized (described) {
            firstOfRun = described.add(p);
        }
        if (firstOfRun || !label.equals("first")) {
            describe(n, p, firstOfRun ? "first" : label);
        }
    }

    /** What is live by class, and the JVM's native memory by category, kept to compare start with end. */
    private void describe(Node n, long pid, String label) {
        String base = n + "-" + pid + "-" + label;
        jcmd(pid, "GC.class_histogram").ifPresent(h -> write(dir.resolve(base + ".histo"), h));
        jcmd(pid, "VM.native_memory", "summary").ifPresent(h -> write(dir.resolve(base + ".nmt"), h));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            // a missing histogram costs only the diff; the samples themselves are kept in memory
        }
    }

    /** jcmd's output, or empty when it fails or takes too long (the member stopped or died meanwhile). */
    static Optional<String> jcmd(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        cmd.addAll(List.of(command));
        Path out = null;
        try {
            out = Files.createTempFile("jcmd", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(Files.readString(out)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    public List<LiveSample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Each member's live-set trend, by member name, in member order. */
    public Map<String, LiveTrend> trends() {
        return PerNode.trends(cluster, samples(), s -> s.memory().node(), LiveTrend::of);
    }

    /** live.csv: the samples, one line each. */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(LiveSample.CSV_HEADER);
        samples().forEach(s -> lines.add(s.csv()));
        Files.write(file, lines);
    }

    /** Stops the periodic samples, then takes a last one of every running member (with histogram and NMT). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(JCMD_TIMEOUT_SECONDS * 3 * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        sampleAll("last");
    }
}
