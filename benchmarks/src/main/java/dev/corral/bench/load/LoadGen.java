package dev.corral.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end load generator on the stock ZooKeeper Java client: many sessions spread over the given servers, each
 * keeping a fixed number of asynchronous requests outstanding (a closed loop: every reply issues the next request).
 * Reports ops/s and latency percentiles (HdrHistogram) as a table row and a JSON line.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.corral.bench.load.LoadGen \
 *     --connect 127.0.0.1:2181[,host:port...] --workload getdata --sessions 16 --outstanding 32 --seconds 20
 * </pre>
 *
 * <p>Size: the options, the fixtures each workload needs and the request loop of every workload in one place, so
 * that every workload is driven the same way (pacing, errors, measurement).
 */
@Command(name = "LoadGen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drives ZooKeeper-protocol servers with the stock Java client and reports ops/s and latency.")
public final class LoadGen implements Callable<Integer> {

    @Option(names = "--connect", required = true, split = ",", paramLabel = "host:port",
            description = "Servers; session i connects to server i mod n.")
    List<String> servers;

    @Option(names = "--workload", required = true,
            description = "create, setdata, getdata, mixed, exists, getchildren, watch, load.")
    Workload workload;

    @Option(names = "--sessions", defaultValue = "16", description = "Client sessions (watchers, for watch).")
    int sessions;

    @Option(names = "--outstanding", defaultValue = "32", description = "Requests in flight per session.")
    int outstanding;

    @Option(names = "--rate", defaultValue = "0", description = "Open loop: offer this many ops/s in all, paced "
            + "(0: closed loop). Latency then counts from when each op was due, so a stall shows in full (no "
            + "coordinated omission); --outstanding still caps what each session has in flight. The workload is "
            + "reported as NAME@RATE.")
    int rate;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured duration.")
    double seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Seconds of load before measuring.")
    double warmup;

    @Option(names = "--data-bytes", defaultValue = "1024", description = "Payload of create and setData.")
    int dataBytes;

    @Option(names = "--keys", defaultValue = "1000", description = "Nodes that setdata/getdata/mixed/exists use.")
    int keys;

    @Option(names = "--children", defaultValue = "1000", description = "Children of the getchildren node.")
    int children;

    @Option(names = "--count", defaultValue = "1000000", description = "Znodes to create (load).")
    long count;

    @Option(names = "--root", defaultValue = "/corral-bench", description = "Parent of every node the run uses.")
    String root;

    @Option(names = "--label", defaultValue = "-", description = "Names the target in the output (e.g. corral).")
    String label;

    @Option(names = "--name", description = "Names the workload in the output instead of its own name (e.g."
            + " rtt-create for single-session round trips).")
    String name;

    @Option(names = "--json", description = "Also append the JSON line to this file.")
    Path json;

    @Option(names = "--no-header", description = "Print the table row without its header.")
    boolean noHeader;

    @Option(names = "--session-timeout-ms", defaultValue = "30000")
    int sessionTimeoutMs;

    private final Recorder latency = new Recorder(3);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new LoadGen()).setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Result r = run();
        PrintStream out = System.out;
        if (!noHeader) {
            out.println(Result.tableHeader());
        }
        out.println(r.tableRow());
        out.println(r.json());
        if (json != null) {
            Files.writeString(json, r.json() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return r.ops() > 0 ? 0 : 1;
    }

    /** Parses {@code args} and runs; for tests and embedding. */
    public static Result run(String... args) throws Exception {
        LoadGen g = new LoadGen();
        new CommandLine(g).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return g.run();
    }

    Result run() throws Exception {
        if (sessions < 1 || outstanding < 1 || seconds <= 0 || warmup < 0 || rate < 0) {
            throw new IllegalArgumentException("sessions, outstanding and seconds must be positive, rate not negative");
        }
        if (rate > 0 && (workload == Workload.WATCH || workload == Workload.LOAD)) {
            throw new IllegalArgumentException("--rate applies to the timed request workloads, not " + workload);
        }
        if (workload == Workload.WATCH) {
            return new WatchLatency(this).run();
        }
        try (Sessions pool = Sessions.open(servers, sessions, sessionTimeoutMs, 30_000)) {
            Driver driver = new Driver(pool);
            driver.setUp();
            ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "loadgen-retry");
                t.setDaemon(true);
                return t;
            });
            driver.retry = retry;
            try {
                long begin = System.nanoTime();
                driver.start();
                Histogram h;
                double measured;
                if (workload == Workload.LOAD) {
                    // No warm-up: the figure is the time to load all of them.
                    driver.finished.await();
                    h = latency.getIntervalHistogram();
                    measured = (System.nanoTime() - begin) / 1e9;
                } else {
                    sleep(warmup);
                    latency.getIntervalHistogram();
                    errors.values().forEach(LongAdder::reset);
                    long t0 = System.nanoTime();
                    sleep(seconds);
                    h = latency.getIntervalHistogram();
                    measured = (System.nanoTime() - t0) / 1e9;
                }
                Map<String, Long> errs = errorSnapshot();
                stopping = true;
                driver.finished.await(10, TimeUnit.SECONDS);
                String name = (LoadGen.this.name != null ? LoadGen.this.name : workload.name().toLowerCase())
                        + (rate > 0 ? "@" + rate : "");
                return Result.of(name, label, String.join(",", servers), sessions, outstanding, measured, h, errs);
            } finally {
                stopping = true;
                retry.shutdownNow();
            }
        }
    }

    Recorder latency() {
        return latency;
    }

    boolean stopping() {
        return stopping;
    }

    void stop() {
        stopping = true;
    }

    void error(int rc) {
        errors.computeIfAbsent(KeeperException.Code.get(rc).name(), k -> new LongAdder()).increment();
    }

    void resetErrors() {
        errors.values().forEach(LongAdder::reset);
    }

    Map<String, Long> errorSnapshot() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> {
            if (v.sum() > 0) {
                out.put(k, v.sum());
            }
        });
        return out;
    }

    static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    /** The closed loop: {@code outstanding} slots per session; each reply records its latency and reissues. */
    /** Operations in one multi of the MULTI workload (ClickHouse Keeper's weakest figure is multi's p99). */
    private static final int MULTI_OPS = 10;

    private final class Driver implements AsyncCallback.StringCallback, AsyncCallback.StatCallback,
            AsyncCallback.DataCallback, AsyncCallback.ChildrenCallback {
        private final Sessions pool;
        private final byte[] data = new byte[dataBytes];
        private final byte[][] payloads = new byte[4096][];
        private final String[] keyPaths = new String[keys];
        private final AtomicLong nextLoad = new AtomicLong();
        private final AtomicLong loaded = new AtomicLong();
        private final CountDownLatch finished;
        private ScheduledExecutorService retry;
        /** Open loop: when the run started, and the number of the next op to be due (op k is due k/rate s in). */
        private long pacedFrom;
        private final AtomicLong nextDue = new AtomicLong();

        Driver(Sessions pool) {
            this.pool = pool;
            // Random and varied, so that no store gains by compressing payloads: zeros, or one buffer written to
            // every node, would compress to almost nothing in RocksDB's blocks.
            java.util.Random random = new java.util.Random(42);
            random.nextBytes(data);
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = new byte[dataBytes];
                random.nextBytes(payloads[i]);
            }
            this.finished = new CountDownLatch(pool.size() * outstanding);
            for (int i = 0; i < keys; i++) {
                keyPaths[i] = String.format("%s/data/k-%06d", root, i);
            }
        }

        /**
         * Creates the workload's nodes through one session per server: idempotent, so on an ensemble the later ones
         * find them in place; separate servers given together (a test) each get their own.
         */
        void setUp() throws Exception {
            for (int s = 0; s < Math.min(pool.size(), servers.size()); s++) {
                setUp(pool.get(s));
            }
        }

        private void setUp(ZooKeeper zk) throws Exception {
            Fixtures.ensure(zk, root, new byte[0]);
            switch (workload) {
                case CREATE -> Fixtures.ensure(zk, root + "/create", new byte[0]);
                case SETDATA, GETDATA, MIXED, EXISTS, MULTI -> {
                    Fixtures.ensure(zk, root + "/data", new byte[0]);
                    Fixtures.ensureAll(zk, List.of(keyPaths), data);
                }
                case GETCHILDREN -> {
                    Fixtures.ensure(zk, root + "/children", new byte[0]);
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < children; i++) {
                        names.add(String.format("%s/children/c-%06d", root, i));
                    }
                    Fixtures.ensureAll(zk, names, new byte[0]);
                }
                case LOAD -> {
                    Fixtures.ensure(zk, root + "/load", new byte[0]);
                    List<String> parents = new ArrayList<>();
                    for (long b = 0; b < (count + 999) / 1000; b++) {
                        parents.add(String.format("%s/load/b-%06d", root, b));
                    }
                    Fixtures.ensureAll(zk, parents, new byte[0]);
                }
                default -> throw new IllegalStateException(workload.toString());
            }
        }

        void start() {
            pacedFrom = System.nanoTime();
            for (int s = 0; s < pool.size(); s++) {
                for (int i = 0; i < outstanding; i++) {
                    issue(new Slot(pool.get(s)));
                }
            }
        }

        private void issue(Slot slot) {
            if (stopping) {
                finished.countDown();
                return;
            }
            long now = System.nanoTime();
            if (rate > 0) {
                long due = pacedFrom + (long) (nextDue.getAndIncrement() * (1e9 / rate));
                if (due - now > 0) {
                    try {
                        retry.schedule(() -> send(slot, due), due - now, TimeUnit.NANOSECONDS);
                    } catch (RuntimeException e) {
                        finished.countDown();   // shutting down
                    }
                    return;
                }
                now = due;                       // late: the wait for a free slot counts as latency
            }
            send(slot, now);
        }

        private void send(Slot slot, long t0) {
            if (stopping) {
                finished.countDown();
                return;
            }
            ZooKeeper zk = slot.zk;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            slot.t0 = t0;
            switch (workload) {
                case CREATE -> zk.create(root + "/create/n-", payload(rnd), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL, this, slot);
                case SETDATA -> zk.setData(keyPaths[rnd.nextInt(keys)], payload(rnd), -1, this, slot);
                case GETDATA -> zk.getData(keyPaths[rnd.nextInt(keys)], false, this, slot);
                case MIXED -> {
                    if (rnd.nextInt(10) == 0) {
                        zk.setData(keyPaths[rnd.nextInt(keys)], payload(rnd), -1, this, slot);
                    } else {
                        zk.getData(keyPaths[rnd.nextInt(keys)], false, this, slot);
                    }
                }
                case EXISTS -> zk.exists(keyPaths[rnd.nextInt(keys)], false, this, slot);
                case GETCHILDREN -> zk.getChildren(root + "/children", false, this, slot);
                case MULTI -> {
                    List<org.apache.zookeeper.Op> ops = new ArrayList<>(MULTI_OPS);
                    for (int i = 0; i < MULTI_OPS; i++) {
                        ops.add(org.apache.zookeeper.Op.setData(keyPaths[rnd.nextInt(keys)], payload(rnd), -1));
                    }
                    zk.multi(ops, (rc, path, ctx, results) -> done(rc, ctx), slot);
                }
                case LOAD -> {
                    long i = nextLoad.getAndIncrement();
                    if (i >= count) {
                        finished.countDown();
                        return;
                    }
                    zk.create(String.format("%s/load/b-%06d/n-%06d", root, i / 1000, i % 1000), payload(rnd),
                            ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, this, slot);
                }
                default -> throw new IllegalStateException(workload.toString());
            }
        }

        private byte[] payload(ThreadLocalRandom rnd) {
            return payloads[rnd.nextInt(payloads.length)];
        }

        private void done(int rc, Object ctx) {
            Slot slot = (Slot) ctx;
            long now = System.nanoTime();
            if (rc == 0) {
                latency.recordValue(now - slot.t0);
                if (workload == Workload.LOAD) {
                    loaded.incrementAndGet();
                }
                issue(slot);
                return;
            }
            error(rc);
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.SESSIONEXPIRED
                    || code == KeeperException.Code.SESSIONMOVED) {
                // The client reconnects on its own; do not spin on a dead connection meanwhile.
                try {
                    retry.schedule(() -> issue(slot), 100, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    finished.countDown();
                }
            } else {
                issue(slot);
            }
        }

        @Override
        public void processResult(int rc, String path, Object ctx, String name) {
            done(rc, ctx);
        }

        @Override
        public void processResult(int rc, String path, Object ctx, Stat stat) {
            done(rc, ctx);
        }

        @Override
        public void processResult(int rc, String path, Object ctx, byte[] data, Stat stat) {
            done(rc, ctx);
        }

        @Override
        public void processResult(int rc, String path, Object ctx, List<String> children) {
            done(rc, ctx);
        }

    }

    /** One request slot of one session: reused for every request it issues. */
    private static final class Slot {
        final ZooKeeper zk;
        long t0;

        Slot(ZooKeeper zk) {
            this.zk = zk;
        }
    }
}
