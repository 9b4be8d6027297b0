package dev.corral.faults.campaign;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import dev.corral.faults.history.Op;
import dev.corral.faults.nemesis.Nemesis;
import dev.corral.faults.nemesis.OverloadNemesis;
import dev.corral.faults.resources.LiveSampler;
import dev.corral.faults.resources.ResourceSampler;
import dev.corral.faults.workload.Client;
import dev.corral.faults.workload.FloodWorkload;
import dev.corral.faults.workload.Recorder;
import dev.corral.faults.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * One nemesis against all the run's workloads at once: set up, run the threads while the nemesis injects and heals
 * on its seeded schedule, stop, heal everything, wait for the ensemble to serve, pause, final reads on every member,
 * judge each history. Throughout, each member's memory is sampled (resources.csv) and each workload's OK rate is
 * kept per bucket (rates.txt); {@link #summary} gives both for the report.
 */
final class Phase {
    private final Options o;
    private final Cluster cluster;
    private final Nemesis nemesis;
    private final List<Workload> workloads;
    private final Judge judge;
    private final Path dir;
    private final List<String> nemesisLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> harnessProblems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> summary = new ArrayList<>();
    private long origin;
    private int faults;
    private volatile double firstFault = -1;
    private volatile double lastHeal = -1;

    Phase(Options o, Cluster cluster, Nemesis nemesis, List<Workload> workloads, Judge judge, Path dir) {
        this.o = o;
        this.cluster = cluster;
        this.nemesis = nemesis;
        this.workloads = workloads;
        this.judge = judge;
        this.dir = dir;
    }

    List<Result> run() throws Exception {
        Files.createDirectories(dir);
        // String.hashCode is fixed by the JLS: the same seed and nemesis give the same schedule on every JVM.
        Random random = new Random(o.seed() * 1_000_003L + nemesis.name().hashCode());
        setup();
        if (nemesis instanceof OverloadNemesis overload) {
            overload.loadSwitch().onNote(this::log);
            workloads.stream().filter(w -> w instanceof FloodWorkload)
                    .forEach(w -> ((FloodWorkload) w).drivenBy(overload.loadSwitch()));
            if (workloads.stream().noneMatch(w -> w instanceof FloodWorkload)) {
                harnessProblems.add("the overload nemesis needs the flood workload (--workload flood,...)");
            }
        }
        Map<Workload, Recorder> recorders = new LinkedHashMap<>();
        workloads.forEach(w -> recorders.put(w, new Recorder()));
        origin = System.nanoTime();
        ResourceSampler sampler = new ResourceSampler(cluster, o.sample(), origin);
        LiveSampler live = o.liveSample().isZero() ? null
                : new LiveSampler(cluster, o.liveSample(), origin, dir.resolve("live"));
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (Workload w : workloads) {
            for (int i = 0; i < w.threads(); i++) {
                Random r = new Random(random.nextLong());
                List<String> addrs = new ArrayList<>(cluster.clientAddresses());
                Collections.shuffle(addrs, r);   // clients spread over the members
                Workload.Context ctx = new Workload.Context(recorders.get(w), String.join(",", addrs), r,
                        o.sessionTimeoutMs(), o.opTimeout(), o.pace(), running::get);
                Thread t = new Thread(() -> w.run(ctx), w.name() + "-" + i);
                t.setDaemon(true);
                threads.add(t);
            }
        }
        Random nemesisRandom = new Random(random.nextLong());
        Thread schedule = new Thread(() -> schedule(nemesisRandom), "nemesis");
        schedule.setDaemon(true);
        threads.forEach(Thread::start);
        schedule.start();
        Thread.sleep(o.phase().toMillis());
        running.set(false);
        schedule.join();
        for (Thread t : threads) {
            t.join(o.opTimeout().toMillis() * 3 + 10_000);
            if (t.isAlive()) {
                harnessProblems.add("workload thread " + t.getName() + " did not stop");
            }
        }
        sampler.close();   // the trend is the phase's: healing, final reads and judging are not part of it
        if (live != null) {
            live.close();
        }
        healAll();
        Thread.sleep(o.settle().toMillis());
        List<Result> results = new ArrayList<>();
        for (Workload w : workloads) {
            Recorder rec = recorders.get(w);
            List<String> problems = new ArrayList<>(harnessProblems);
            Map<Node, Object> finals = finalReads(w, rec, problems);
            List<String> divergence = w.finalReadsComparable() ? divergence(finals) : List.of();
            if (rec.history().ops().stream().noneMatch(op -> op.type() == Op.Type.OK)) {
                problems.add("no operation succeeded");
            }
            Path wdir = dir.resolve(w.name());
            Files.createDirectories(wdir);
            rec.history().write(wdir.resolve("history.jsonl"));
            results.add(Result.of(w.name(), nemesis.name(), rec.history(), faults, judge.judge(w.name(),
                    rec.history()), divergence, problems));
        }
        sampler.write(dir.resolve("resources.csv"));
        summarise(recorders, sampler);
        if (live != null) {
            live.write(dir.resolve("live.csv"));
            live.trends().values().forEach(t -> summary.add("live " + t.line()));
        }
        Files.write(dir.resolve("nemesis.log"), nemesisLog);
        return results;
    }

    /** Lines for the report: each workload's OK rate and p99 around the faults, each member's memory trend. */
    List<String> summary() {
        return List.copyOf(summary);
    }

    private void summarise(Map<Workload, Recorder> recorders, ResourceSampler sampler) throws IOException {
        double end = o.phase().toMillis() / 1000.0;
        for (Map.Entry<Workload, Recorder> e : recorders.entrySet()) {
            Rates rates = Rates.of(e.getValue().history(), end, o.sample().toMillis() / 1000.0);
            rates.write(dir.resolve(e.getKey().name()).resolve("rates.txt"));
            List<String> parts = new ArrayList<>();
            if (firstFault < 0) {
                parts.add("no fault: " + rates.window(0, end));
            } else {
                parts.add("before first fault " + rates.window(0, firstFault));
                parts.add("during faults " + rates.window(firstFault, lastHeal));
                String after = rates.window(lastHeal, end);
                parts.add("after last heal " + (after == null ? "(no time left)" : after));
                // by then every write still in flight at the heal has completed or become INFO: the steady rate
                double settled = lastHeal + o.opTimeout().toMillis() / 1000.0;
                String steady = rates.window(settled, end);
                if (steady != null) {
                    parts.add(String.format(java.util.Locale.ROOT, "from %.0f s (heal + op timeout) %s", settled,
                            steady));
                }
            }
            summary.add("rates " + e.getKey().name() + ": " + String.join("; ", parts));
        }
        sampler.trends().values().forEach(t -> summary.add("memory " + t.line()));
    }

    private void log(String line) {
        if (line != null) {
            String t = String.format("%9.3f", (System.nanoTime() - origin) / 1e9);
            nemesisLog.add(t + " " + line);
            System.out.println("  [" + nemesis.name() + " " + t.trim() + "s] " + line);
        }
    }

    /** inject, hold, heal, recover, as long as a whole fault fits before the phase ends. */
    private void schedule(Random random) {
        long end = origin + o.phase().toNanos();
        sleep(o.warmup());
        while (System.nanoTime() + o.faultFor().toNanos() <= end) {
            double at = (System.nanoTime() - origin) / 1e9;
            String what = nemesis.inject(cluster, random);
            if (what != null) {
                faults++;
                log(what);
                if (firstFault < 0) {
                    firstFault = at;
                }
            }
            sleep(o.faultFor());
            log(nemesis.heal(cluster));
            if (what != null) {
                lastHeal = (System.nanoTime() - origin) / 1e9;
            }
            sleep(Duration.ofNanos(Math.max(0, Math.min(o.recoverFor().toNanos(), end - System.nanoTime()))));
        }
    }

    private void healAll() {
        log(nemesis.heal(cluster));
        cluster.network().heal();
        for (Node n : cluster.nodes()) {
            n.resume();
            if (!n.alive()) {
                n.start();
            }
        }
        if (!cluster.awaitServing(Duration.ofSeconds(90))) {
            harnessProblems.add("the ensemble did not serve again within 90 s after healing: " + cluster.modes());
        }
        log("all healed: " + cluster.modes());
    }

    private void setup() throws Exception {
        Exception last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (ZooKeeper zk = connected(String.join(",", cluster.clientAddresses()))) {
                for (Workload w : workloads) {
                    w.setup(zk);
                }
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("cannot set up the workloads: " + last, last);
    }

    static ZooKeeper connected(String connect) throws IOException, InterruptedException {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new IOException("not connected to " + connect + " within 15 s");
        }
        return zk;
    }

    /** Each member's final reads (up to three attempts), through a session to that member alone. */
    private Map<Node, Object> finalReads(Workload w, Recorder rec, List<String> problems) {
        Map<Node, Object> out = new LinkedHashMap<>();
        for (Node n : cluster.nodes()) {
            boolean ok = false;
            for (int attempt = 0; attempt < 3 && !ok; attempt++) {
                try (Client c = new Client(rec, n.clientAddress(), o.sessionTimeoutMs(), Duration.ofSeconds(10))) {
                    int before = rec.history().size();
                    ok = w.finalReads(c);
                    if (ok) {
                        List<Object> values = new ArrayList<>();
                        List<Op> ops = rec.history().ops();
                        for (Op op : ops.subList(before, ops.size())) {
                            if (op.type() == Op.Type.OK) {
                                values.add(op.value());
                            }
                        }
                        out.put(n, values);
                    }
                }
            }
            if (!ok) {
                problems.add("final read on " + n + " did not succeed");
            }
        }
        return out;
    }

    /** Members that answered the final reads differently (after sync, with no writes any more): divergence. */
    private static List<String> divergence(Map<Node, Object> finals) {
        List<String> out = new ArrayList<>();
        Object first = null;
        Node firstNode = null;
        for (Map.Entry<Node, Object> e : finals.entrySet()) {
            if (firstNode == null) {
                firstNode = e.getKey();
                first = e.getValue();
            } else if (!Objects.equals(first, e.getValue())) {
                out.add("final reads differ: " + firstNode + " " + describe(first, e.getValue()) + " vs "
                        + e.getKey() + " " + describe(e.getValue(), first));
            }
        }
        return out;
    }

    /**
     * One member's final reads against another's: the values themselves when short, else (a set's or a queue's
     * elements) the size and what only this member has.
     */
    private static String describe(Object mine, Object theirs) {
        if (mine instanceof List<?> m && theirs instanceof List<?> t && m.size() == 1 && t.size() == 1
                && m.get(0) instanceof List<?> ml && t.get(0) instanceof List<?> tl) {
            java.util.Set<Object> only = new java.util.TreeSet<>(ml.stream().map(Object::toString).toList());
            tl.forEach(x -> only.remove(x.toString()));
            return ml.size() + " elements, " + only.size() + " not on the other" + (only.isEmpty() ? ""
                    : " (" + abbreviate(only) + ")");
        }
        return abbreviate(mine);
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
