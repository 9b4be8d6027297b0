package dev.corral.faults.campaign;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Network;
import dev.corral.faults.cluster.ServerKind;
import dev.corral.faults.nemesis.Nemeses;
import dev.corral.faults.nemesis.Nemesis;
import dev.corral.faults.workload.Workload;
import dev.corral.faults.workload.Workloads;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole run: the network and the ensemble, one phase per nemesis, the report. The network and the servers are torn
 * down at the end, on failure, and from a shutdown hook (Ctrl-C); scripts/faults also cleans up by name.
 */
public final class Run {
    private final Options o;
    private final Judge judge;

    public Run(Options o, Judge judge) {
        this.o = o;
        this.judge = judge;
    }

    /** Runs everything; returns the exit code (0 fine, 1 anomalies, 3 harness failure). */
    public int execute(String command) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(o.out());
        List<Result> results = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        java.util.Map<String, List<String>> summaries = new java.util.LinkedHashMap<>();
        Network net = new Network(o.netPrefix(), o.nodes());
        Cluster cluster = new Cluster(net, o.out().resolve("nodes"), o.nodes(), o.server(), o.jars(), o.tickTime(),
                !o.liveSample().isZero(),
                o.corralLinearizableReads() && o.server() != ServerKind.ZOOKEEPER
                        ? List.of("corral.linearizableReads=true") : List.of());
        Thread hook = new Thread(() -> teardown(cluster, net), "teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            net.create();
            System.out.println("network " + net.bridge() + ": members " + cluster.clientAddresses() + ", clients at "
                    + net.hostAddress());
            cluster.startAll();
            if (!cluster.awaitServing(Duration.ofSeconds(120))) {
                problems.add("the ensemble did not start serving within 120 s: " + cluster.modes());
            } else {
                System.out.println("serving: " + cluster.modes());
                List<Nemesis> phases = o.soak() ? List.of(Nemeses.cycle(o.nemeses()))
                        : o.nemeses().stream().map(Nemeses::of).toList();
                for (Nemesis nemesis : phases) {
                    List<Workload> workloads = new ArrayList<>();
                    o.workloads().forEach(w -> workloads.add(Workloads.of(w)));
                    System.out.println("phase " + nemesis.name() + ": " + o.workloads() + " for "
                            + o.phase().toSeconds() + " s");
                    Phase phase = new Phase(o, cluster, nemesis, workloads, judge, o.out().resolve(nemesis.name()));
                    results.addAll(phase.run());
                    summaries.put(nemesis.name(), phase.summary());
                }
            }
        } catch (Exception e) {
            problems.add("run aborted: " + e);
            e.printStackTrace();
        } finally {
            teardown(cluster, net);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs teardown again, harmlessly
            }
        }
        Report.write(o.out(), o, command, results, summaries, problems, (System.nanoTime() - start) / 1_000_000_000L);
        return Report.exitCode(results, problems);
    }

    private static synchronized void teardown(Cluster cluster, Network net) {
        cluster.close();
        dev.corral.faults.nemesis.DiskFullNemesis.unmountAll(cluster);
        net.close();
    }
}
