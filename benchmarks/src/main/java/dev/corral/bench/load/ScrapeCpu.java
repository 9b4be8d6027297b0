package dev.corral.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one scrape of /metrics costs a server in CPU, against the CPU the same server burns per second at its maximum
 * throughput: both read from the server process's utime+stime ({@code /proc/<pid>/stat}), which counts the server's
 * own work whatever else the machine runs, unlike wall-clock throughput on a shared machine.
 *
 * <p>Each repeat: LoadGen at full load (the server's CPU per operation, and its ops/s), a pause for the load's tail,
 * then the idle rate (no load, no scrapes) before and after a burst of back-to-back scrapes (its CPU minus the mean
 * idle rate over the same time, divided by the scrapes; the burst is followed by a pause inside its window so that the
 * garbage it left is collected and counted). A scrape's cost is printed in operations (the CPU of how many requests it
 * equals) and as a share of one core at an interval T (CPU per scrape / T): a CPU-bound server using at least one
 * core loses at most that share of its throughput. The server's CPU at full load on a shared machine is what the
 * machine let it have, not its capacity, so it is not the denominator.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.corral.bench.load.ScrapeCpu --pid 1234 --connect 127.0.0.1:2181 \
 *     --metrics http://127.0.0.1:7000/metrics --label corral --workload setdata
 * </pre>
 */
@Command(name = "ScrapeCpu", mixinStandardHelpOptions = true,
        description = "Server CPU per /metrics scrape against server CPU per second at full load.")
public final class ScrapeCpu implements Callable<Integer> {
    /** /proc/<pid>/stat counts in clock ticks; 100 per second on Linux x86-64 (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final long SETTLE_MS = 5_000;

    @Option(names = "--pid", required = true, description = "The server process to measure.")
    long pid;

    @Option(names = "--connect", required = true)
    String connect;

    @Option(names = "--metrics", required = true, description = "The /metrics URL to scrape.")
    String metrics;

    @Option(names = "--label", defaultValue = "-")
    String label;

    @Option(names = "--workload", defaultValue = "setdata")
    String workload;

    @Option(names = "--repeat", defaultValue = "5")
    int repeat;

    @Option(names = "--seconds", defaultValue = "8", description = "Measured seconds of each load run.")
    double seconds;

    @Option(names = "--scrapes", defaultValue = "300", description = "Scrapes per burst.")
    int scrapes;

    @Option(names = "--warmup-scrapes", defaultValue = "100",
            description = "Scrapes before any measurement (JIT of the scrape path on both sides).")
    int warmupScrapes;

    @Option(names = "--idle-seconds", defaultValue = "3", description = "Length of each idle-rate measurement.")
    double idleSeconds;

    @Option(names = "--json", description = "Also append the JSON lines to this file.")
    Path json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScrapeCpu()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(metrics)).timeout(Duration.ofSeconds(30)).build();
        // JIT-compile the scrape path before any of it is counted.
        scrape(http, req, warmupScrapes);
        for (int r = 0; r < repeat; r++) {
            double cpu0 = cpuSeconds();
            long t0 = System.nanoTime();
            Result load = LoadGen.run("--connect", connect, "--workload", workload, "--seconds",
                    Double.toString(seconds), "--warmup", "2", "--label", label);
            double loadCpu = cpuSeconds() - cpu0;
            double loadCores = loadCpu / ((System.nanoTime() - t0) / 1e9);
            // The whole call ran at full load (warm-up included): its ops at the measured rate.
            double cpuPerOp = loadCpu / (load.opsPerSec() * (seconds + 2));

            // Let the load's tail (garbage collection, flushes, compaction) pass, then take the idle rate on both
            // sides of the burst: background work that drifts shows as a difference between the two.
            Thread.sleep(SETTLE_MS);
            double idleBefore = idleRate();
            double cpu1 = cpuSeconds();
            long t1 = System.nanoTime();
            long bytes = scrape(http, req, scrapes);
            Thread.sleep((long) (idleSeconds * 1000));
            double burstSeconds = (System.nanoTime() - t1) / 1e9;
            double burstCpu = cpuSeconds() - cpu1;
            double idleAfter = idleRate();
            double idleRate = (idleBefore + idleAfter) / 2;
            double perScrape = Math.max(0, burstCpu - idleRate * burstSeconds) / scrapes;

            String line = String.format(Locale.ROOT, "{\"server\":\"%s\",\"workload\":\"%s\",\"repeat\":%d,"
                            + "\"ops_per_s\":%.1f,\"load_cpu_cores\":%.3f,\"idle_cpu_cores\":%.4f,"
                            + "\"idle_drift_cores\":%.4f,\"cpu_us_per_op\":%.2f,\"scrape_cpu_ms\":%.3f,\"scrape_in_ops\":%.1f,"
                            + "\"scrape_bytes\":%d,\"share_1s\":%.5f,\"share_15s\":%.5f}",
                    label, workload, r, load.opsPerSec(), loadCores, idleRate, idleAfter - idleBefore, cpuPerOp * 1e6,
                    perScrape * 1000, perScrape / cpuPerOp, bytes / scrapes, perScrape / 1.0, perScrape / 15.0);
            out.println(line);
            if (json != null) {
                Files.writeString(json, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        }
        return 0;
    }

    private double idleRate() throws Exception {
        double c = cpuSeconds();
        long t = System.nanoTime();
        Thread.sleep((long) (idleSeconds * 1000));
        return (cpuSeconds() - c) / ((System.nanoTime() - t) / 1e9);
    }

    /** Scrapes {@code n} times one after another; returns the bytes received. */
    private static long scrape(HttpClient http, HttpRequest req, int n) throws Exception {
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() != 200) {
                throw new IllegalStateException(req.uri() + " answered " + resp.statusCode());
            }
            bytes += resp.body().length;
        }
        return bytes;
    }

    /** utime + stime of the server process, fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name). */
    private double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        // f.get(0) is field 3 (state): utime is field 14, stime field 15.
        return (Long.parseLong(f.get(11)) + Long.parseLong(f.get(12))) / TICKS_PER_SECOND;
    }
}
