package dev.corral.bench.load;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What scraping /metrics costs a server under load: the same LoadGen workload run with no scraper, then with one
 * that GETs the metrics URL every {@code --every-ms} (interleaved, repeat by repeat, so that a noisy machine hurts
 * every mode alike). Prints one JSON line per run (workload, mode, ops/s, scrapes, mean scrape ms).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.corral.bench.load.ScrapeCost --connect 127.0.0.1:2181 \
 *     --metrics http://127.0.0.1:7000/metrics --label corral --workloads setdata,getdata --every-ms 1000,100
 * </pre>
 */
@Command(name = "ScrapeCost", mixinStandardHelpOptions = true,
        description = "Throughput under load with and without scraping /metrics.")
public final class ScrapeCost implements Callable<Integer> {
    @Option(names = "--connect", required = true)
    String connect;

    @Option(names = "--metrics", required = true, description = "The /metrics URL to scrape.")
    String metrics;

    @Option(names = "--label", defaultValue = "-")
    String label;

    @Option(names = "--workloads", defaultValue = "setdata,getdata", split = ",")
    List<String> workloads;

    @Option(names = "--every-ms", defaultValue = "1000,100", split = ",",
            description = "Scrape intervals to compare with no scraping.")
    List<Long> intervals;

    @Option(names = "--repeat", defaultValue = "3")
    int repeat;

    @Option(names = "--seconds", defaultValue = "8")
    double seconds;

    @Option(names = "--warmup", defaultValue = "2")
    double warmup;

    @Option(names = "--json", description = "Also append the JSON lines to this file.")
    Path json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScrapeCost()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // The scrape must work before it is measured.
        HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (probe.statusCode() != 200) {
            throw new IllegalStateException(metrics + " answered " + probe.statusCode());
        }
        List<Long> modes = new ArrayList<>();
        modes.add(0L);
        modes.addAll(intervals);
        for (int r = 0; r < repeat; r++) {
            for (String workload : workloads) {
                // Alternate the order of the modes between repeats: none first, then last.
                List<Long> order = new ArrayList<>(modes);
                if (r % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (long every : order) {
                    String line = run(http, workload, every);
                    out.println(line);
                    if (json != null) {
                        Files.writeString(json, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                    }
                }
            }
        }
        return 0;
    }

    private String run(HttpClient http, String workload, long everyMs) throws Exception {
        AtomicLong scrapes = new AtomicLong();
        AtomicLong scrapeNanos = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        Thread scraper = null;
        if (everyMs > 0) {
            scraper = new Thread(() -> {
                HttpRequest req = HttpRequest.newBuilder(URI.create(metrics)).timeout(Duration.ofSeconds(10)).build();
                long next = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        scrapeNanos.addAndGet(System.nanoTime() - t0);
                        if (resp.statusCode() == 200) {
                            scrapes.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                        next += everyMs * 1_000_000L;
                        long sleep = next - System.nanoTime();
                        if (sleep > 0) {
                            Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
                        } else {
                            next = System.nanoTime();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }, "scraper");
            scraper.setDaemon(true);
            scraper.start();
        }
        Result res;
        try {
            res = LoadGen.run("--connect", connect, "--workload", workload, "--seconds", Double.toString(seconds),
                    "--warmup", Double.toString(warmup), "--label", label);
        } finally {
            if (scraper != null) {
                scraper.interrupt();
                scraper.join(10_000);
            }
        }
        long n = scrapes.get();
        return String.format(Locale.ROOT, "{\"server\":\"%s\",\"workload\":\"%s\",\"scrape_every_ms\":%d,"
                        + "\"ops_per_s\":%.1f,\"scrapes\":%d,\"scrape_failures\":%d,\"mean_scrape_ms\":%.2f}",
                label, workload, everyMs, res.ops() / res.seconds(), n, failures.get(),
                n == 0 ? 0.0 : scrapeNanos.get() / 1e6 / n);
    }
}
