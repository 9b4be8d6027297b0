package dev.corral.bench.watch;

import dev.corral.server.watch.Notification;
import dev.corral.server.watch.WatchKind;
import dev.corral.server.watch.WatchManager;
import dev.corral.server.watch.Watcher;
import dev.corral.server.wire.EventType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Watch trigger fan-out: one node event told to {@code watchers} watchers of that node through
 * {@link WatchManager#trigger}. One operation = one trigger producing {@code watchers} notifications.
 * <ul>
 *   <li>{@code persistent}: addWatch PERSISTENT watches, which stay armed: the trigger alone;</li>
 *   <li>{@code oneShotRearm}: getData-style one-shot watches, removed when they fire; each operation re-arms all of
 *       them (as the clients do by reading again) and then triggers, so it measures add + trigger + remove.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar WatchFanout -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WatchFanoutBenchmark {
    private static final String PATH = "/corral-bench/watch";

    @Param({"10000"})
    int watchers;

    private WatchManager persistent;
    private WatchManager oneShot;
    private Watcher[] clients;
    private long zxid;

    @Setup(Level.Trial)
    public void setUp() {
        clients = new Watcher[watchers];
        persistent = new WatchManager();
        oneShot = new WatchManager();
        for (int i = 0; i < watchers; i++) {
            clients[i] = new Watcher() {
            };
            persistent.add(PATH, clients[i], WatchKind.PERSISTENT);
            // Each client also watches a node of its own, so the per-watcher index is not trivially small.
            persistent.add(PATH + "/own-" + i, clients[i], WatchKind.DATA);
            oneShot.add(PATH + "/own-" + i, clients[i], WatchKind.DATA);
        }
    }

    @Benchmark
    public List<Notification> persistent() {
        List<Notification> out = persistent.trigger(PATH, EventType.NODE_DATA_CHANGED, ++zxid);
        check(out);
        return out;
    }

    @Benchmark
    public List<Notification> oneShotRearm() {
        for (Watcher w : clients) {
            oneShot.add(PATH, w, WatchKind.DATA);
        }
        List<Notification> out = oneShot.trigger(PATH, EventType.NODE_DATA_CHANGED, ++zxid);
        check(out);
        return out;
    }

    private void check(List<Notification> out) {
        if (out.size() != watchers) {
            throw new IllegalStateException("trigger told " + out.size() + " of " + watchers + " watchers");
        }
    }
}
