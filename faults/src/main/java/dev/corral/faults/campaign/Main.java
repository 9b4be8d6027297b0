package dev.corral.faults.campaign;

import dev.corral.faults.cluster.ServerKind;
import dev.corral.faults.nemesis.Nemeses;
import dev.corral.faults.workload.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The campaign's command line (scripts/faults passes the paths of what it built):
 * {@code --workload register,set --nemesis partition-halves,kill --time 60 --seed 7 --server corral --nodes 3
 * --out DIR --net-prefix crl123 --corral-jar JAR --broken-classes DIR --zk-classpath-file FILE --zk-logback FILE}
 * and optionally {@code --fault S --recover S --warmup S --tick MS --op-timeout S --session-timeout MS --pace MS
 * --sample S --soak --live-sample MIN --corral-linearizable-reads} (--soak: one phase of --time seconds in which the
 * listed nemeses take turns; --live-sample: every MIN minutes force a full collection in each member and record its
 * live set; --corral-linearizable-reads: Corral members run with corral.linearizableReads=true).
 */
public final class Main {
    /** Options without a value. */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("soak", "corral-linearizable-reads");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (FLAGS.contains(key)) {
                a.put(key, "true");
            } else if (i + 1 < args.length) {
                a.put(key, args[++i]);
            } else {
                usage("missing value for " + args[i]);
            }
        }
        List<String> workloads = list(a.getOrDefault("workload", "register,set,lock"));
        List<String> nemeses = list(a.getOrDefault("nemesis", "partition-halves,leader-isolated,kill,pause"));
        for (String w : workloads) {
            if (!Workloads.NAMES.contains(w)) {
                usage("unknown workload '" + w + "' (known: " + Workloads.NAMES + ")");
            }
        }
        for (String n : nemeses) {
            if (!Nemeses.NAMES.contains(n)) {
                usage("unknown nemesis '" + n + "' (known: " + Nemeses.NAMES + ")");
            }
        }
        int nodes = Integer.parseInt(a.getOrDefault("nodes", "3"));
        if (nodes != 3 && nodes != 5) {
            usage("--nodes must be 3 or 5");
        }
        String zkCp = a.containsKey("zk-classpath-file")
                ? Files.readString(Path.of(a.get("zk-classpath-file"))).trim() : "";
        ServerKind.Jars jars = new ServerKind.Jars(path(a, "corral-jar"), path(a, "broken-classes"), zkCp,
                path(a, "zk-logback"));
        Options o = new Options(workloads, nemeses, seconds(a, "time", 60), Long.parseLong(a.getOrDefault("seed", "1")),
                ServerKind.parse(a.getOrDefault("server", "corral")), nodes,
                Path.of(a.getOrDefault("out", "target/faults/run")).toAbsolutePath(),
                a.getOrDefault("net-prefix", "crl" + ProcessHandle.current().pid()), jars,
                Integer.parseInt(a.getOrDefault("tick", "300")), seconds(a, "warmup", 3), seconds(a, "fault", 10),
                seconds(a, "recover", 10), seconds(a, "op-timeout", 5),
                Integer.parseInt(a.getOrDefault("session-timeout", "6000")),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("pace", "50"))), seconds(a, "settle", 3),
                seconds(a, "sample", 5), a.containsKey("soak"),
                Duration.ofMillis((long) (Double.parseDouble(a.getOrDefault("live-sample", "0")) * 60_000)),
                a.containsKey("corral-linearizable-reads"));
        if (o.sample().toMillis() < 100) {
            usage("--sample must be at least 0.1 s");
        }
        if (o.liveSample().isNegative()) {
            usage("--live-sample must be a number of minutes, 0 for none");
        }
        int code = new Run(o, new CheckersJudge()).execute(a.getOrDefault("command", String.join(" ", args)));
        System.exit(code);
    }

    private static List<String> list(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static Path path(Map<String, String> a, String key) {
        return a.containsKey(key) ? Path.of(a.get(key)) : null;
    }

    private static Duration seconds(Map<String, String> a, String key, long dflt) {
        return Duration.ofMillis((long) (Double.parseDouble(a.getOrDefault(key, Long.toString(dflt))) * 1000));
    }

    private static void usage(String why) {
        System.err.println("faults: " + why);
        System.exit(2);
    }
}
