package dev.corral.bench.storage;

import dev.corral.server.storage.RocksZnodeStore;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.PendingTree;
import dev.corral.server.tree.RecordedEvents;
import dev.corral.server.tree.TreeApplier;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.ZnodeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Applying writes to the RocksDB store of record the way the standalone server does ({@code StandaloneWritePath}): each
 * txn goes through {@link TreeApplier} over a {@link PendingTree} into its own atomic batch. What varies is when
 * the WAL is fsynced, which is the group-commit question:
 * <ul>
 *   <li>{@code none}: every batch committed with sync=false, never fsynced (the upper bound; not durable);</li>
 *   <li>{@code group}: batches with sync=false and one synced (empty) batch per {@value #GROUP} txns, as a server
 *       round does before replying to the {@value #GROUP} clients;</li>
 *   <li>{@code each}: every batch committed with sync=true (one fsync per txn).</li>
 * </ul>
 * One operation = one txn (create of a 1 KiB sequential-style child, or setData of 1 KiB on one of 1,000 nodes).
 * The store lives under {@code -Dbench.dir} (default: the working directory), so the fsync cost is that disk's.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar StoreApply -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class StoreApplyBenchmark {
    static final int GROUP = 100;
    private static final int KEYS = 1000;

    @Param({"create", "setData"})
    String op;

    @Param({"none", "group", "each"})
    String sync;

    private Path dir;
    private RocksZnodeStore store;
    private PendingTree view;
    private TreeApplier applier;
    private byte[] data;
    private long zxid;
    private long created;
    private int key;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("bench.dir", "."));
        dir = Files.createTempDirectory(base.toAbsolutePath(), "store-apply-");
        store = RocksZnodeStore.open(dir);
        TreeBootstrap.ensure(store);
        view = new PendingTree(store);
        applier = new TreeApplier(view);
        data = new byte[1024];
        zxid = store.lastZxid();
        apply(new Txn.Create("/bench", new byte[0], TreeBootstrap.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0), false);
        apply(new Txn.Create("/keys", new byte[0], TreeBootstrap.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0), false);
        for (int i = 0; i < KEYS; i++) {
            apply(new Txn.Create(keyPath(i), data, TreeBootstrap.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0), false);
        }
        store.commit(store.batch().setLastZxid(zxid), true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(GROUP)
    public long apply() {
        boolean each = "each".equals(sync);
        boolean create = "create".equals(op);
        for (int i = 0; i < GROUP; i++) {
            Txn txn = create
                    ? new Txn.Create(String.format("/bench/n-%010d", created++), data, TreeBootstrap.OPEN_ACL_UNSAFE,
                            NodeKind.PERSISTENT, 0, 0)
                    : new Txn.SetData(keyPath(key++ % KEYS), data);
            apply(txn, each);
        }
        if ("group".equals(sync)) {
            store.commit(store.batch().setLastZxid(zxid), true);
        }
        return zxid;
    }

    private void apply(Txn txn, boolean syncIt) {
        ZnodeStore.Batch batch = view.batch();
        applier.apply(++zxid, 1_700_000_000_000L + zxid, txn, batch, new RecordedEvents());
        view.commit(batch, syncIt);
    }

    private static String keyPath(int i) {
        return String.format("/keys/k-%04d", i);
    }
}
