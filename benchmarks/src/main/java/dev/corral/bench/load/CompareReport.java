package dev.corral.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The table scripts/bench-compare prints: per workload the median (over repeated runs) of each target's ops/s and
 * p99, and the ratio Corral/ZooKeeper; then the per-server scale figures. Reads LoadGen's JSON lines and a file of
 * {@code target metric value} lines.
 */
@Command(name = "CompareReport", mixinStandardHelpOptions = true)
public final class CompareReport implements Callable<Integer> {
    private static final Pattern FIELD = Pattern.compile("\"([a-z_0-9]+)\":(\"[^\"]*\"|[-0-9.eE]+)");
    private static final List<String[]> SCALE_ROWS = List.of(
            new String[] {"load_znodes", "znodes loaded", "%.0f"},
            new String[] {"load_seconds", "  time to load (s)", "%.1f"},
            new String[] {"load_ops_per_sec", "  load rate (creates/s)", "%.0f"},
            new String[] {"heap_used_mib", "heap used after full GC (MiB)", "%.1f"},
            new String[] {"heap_committed_mib", "heap committed (MiB)", "%.1f"},
            new String[] {"rss_mib", "RSS, VmRSS (MiB)", "%.1f"},
            new String[] {"disk_mib", "bytes on disk, du of dataDir (MiB)", "%.1f"},
            new String[] {"restart_ms", "kill -9 to first read served (ms)", "%.0f"},
            new String[] {"wiped_ms", "  same, data directory wiped (SNAP) (ms)", "%.0f"},
            new String[] {"failover_ms", "leader kill -9 to next write acked (ms)", "%.0f"},
            new String[] {"failover_median_ms", "  same, the median session of 8 (ms)", "%.0f"},
            new String[] {"failover_last_ms", "  same, the last session of 8 (ms)", "%.0f"},
            new String[] {"failover_gap_ms", "  longest gap between write acks (ms)", "%.0f"});

    @Option(names = "--results", required = true)
    Path results;

    @Option(names = "--scale")
    Path scale;

    @Option(names = "--a", defaultValue = "corral", description = "Label of the numerator target.")
    String a;

    @Option(names = "--b", defaultValue = "zookeeper", description = "Label of the denominator target.")
    String b;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CompareReport()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        // workload -> label -> runs
        Map<String, Map<String, List<Map<String, String>>>> runs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(results)) {
            if (!line.startsWith("{")) {
                continue;
            }
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                f.put(m.group(1), m.group(2).replace("\"", ""));
            }
            runs.computeIfAbsent(f.get("workload"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(f.get("label"), k -> new ArrayList<>()).add(f);
        }
        String na = title(a);
        String nb = title(b);
        System.out.printf("%-14s %5s %13s %13s %7s   %11s %11s %7s   %s%n", "workload", "runs", na + " ops/s",
                nb + " ops/s", "ratio", na + " p99", nb + " p99", "ratio", "errors");
        System.out.printf("%-14s %5s %13s %13s %7s   %11s %11s %7s%n", "", "", "", "", "", "(ms)", "(ms)", "");
        for (Map.Entry<String, Map<String, List<Map<String, String>>>> w : runs.entrySet()) {
            if ("load".equals(w.getKey()) || w.getKey().startsWith("rtt-")) {
                continue;
            }
            List<Map<String, String>> ra = w.getValue().getOrDefault(a, List.of());
            List<Map<String, String>> rb = w.getValue().getOrDefault(b, List.of());
            double oa = median(ra, "ops_per_sec");
            double ob = median(rb, "ops_per_sec");
            double pa = median(ra, "p99_us") / 1000;
            double pb = median(rb, "p99_us") / 1000;
            System.out.printf(Locale.ROOT, "%-14s %5s %13s %13s %7s   %11s %11s %7s   %s%n", w.getKey(),
                    ra.size() + "/" + rb.size(), fmt("%.0f", oa), fmt("%.0f", ob), ratio(oa, ob), fmt("%.2f", pa),
                    fmt("%.2f", pb), ratio(pa, pb), errors(ra) + "/" + errors(rb));
        }
        roundTrips(runs, na, nb);
        if (scale != null && Files.exists(scale)) {
            Map<String, Map<String, String>> s = new LinkedHashMap<>();
            for (String line : Files.readAllLines(scale)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 3) {
                    s.computeIfAbsent(parts[1], k -> new LinkedHashMap<>()).put(parts[0], parts[2]);
                }
            }
            System.out.println();
            System.out.printf("%-44s %13s %13s %7s%n", "per server (ensembles: the largest member)", na, nb,
                    "ratio");
            for (String[] row : SCALE_ROWS) {
                Map<String, String> v = s.get(row[0]);
                if (v == null) {
                    continue;
                }
                double va = num(v.get(a));
                double vb = num(v.get(b));
                System.out.printf(Locale.ROOT, "%-44s %13s %13s %7s%n", row[1], fmt(row[2], va), fmt(row[2], vb),
                        ratio(va, vb));
            }
        }
        return 0;
    }

    /** The single-session rows (rtt-*): one request at a time, so the p50 is the figure. */
    private void roundTrips(Map<String, Map<String, List<Map<String, String>>>> runs, String na, String nb) {
        boolean headed = false;
        for (Map.Entry<String, Map<String, List<Map<String, String>>>> w : runs.entrySet()) {
            if (!w.getKey().startsWith("rtt-")) {
                continue;
            }
            if (!headed) {
                System.out.println();
                System.out.printf("%-14s %5s %11s %11s %7s   %11s %11s %7s%n", "one session", "runs", na + " p50",
                        nb + " p50", "ratio", na + " p99", nb + " p99", "ratio");
                System.out.printf("%-14s %5s %11s %11s %7s   %11s %11s %7s%n", "(round trips)", "", "(ms)", "(ms)", "",
                        "(ms)", "(ms)", "");
                headed = true;
            }
            List<Map<String, String>> ra = w.getValue().getOrDefault(a, List.of());
            List<Map<String, String>> rb = w.getValue().getOrDefault(b, List.of());
            double ma = median(ra, "p50_us") / 1000;
            double mb = median(rb, "p50_us") / 1000;
            double pa = median(ra, "p99_us") / 1000;
            double pb = median(rb, "p99_us") / 1000;
            System.out.printf(Locale.ROOT, "%-14s %5s %11s %11s %7s   %11s %11s %7s%n", w.getKey(),
                    ra.size() + "/" + rb.size(), fmt("%.3f", ma), fmt("%.3f", mb), ratio(ma, mb), fmt("%.3f", pa),
                    fmt("%.3f", pb), ratio(pa, pb));
        }
    }

    private static String title(String label) {
        return switch (label) {
            case "corral" -> "Corral";
            case "zookeeper" -> "ZooKeeper";
            default -> label;
        };
    }

    private static double median(List<Map<String, String>> runs, String field) {
        double[] v = runs.stream().mapToDouble(r -> num(r.get(field))).filter(d -> !Double.isNaN(d)).sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long errors(List<Map<String, String>> runs) {
        return (long) runs.stream().mapToDouble(r -> num(r.get("error_count"))).filter(d -> !Double.isNaN(d)).sum();
    }

    private static double num(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String ratio(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y) || y == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", x / y);
    }

    private static String fmt(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }
}
