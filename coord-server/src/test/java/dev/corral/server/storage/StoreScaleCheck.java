package dev.corral.server.storage;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.rocksdb.RocksDB;

/**
 * Shows that opening a big store costs time and heap independent of the node count.
 *
 * <pre>
 * java -cp ... dev.corral.server.storage.StoreScaleCheck &lt;nodes&gt; &lt;dir&gt; [fill|open|both]
 * </pre>
 * {@code fill} builds a tree of {@code nodes} znodes under "/" (parents of {@value #FANOUT} children each, 32 bytes
 * of data per node) in batches of {@value #BATCH} with sync=false and one final sync; {@code open} reopens it and
 * prints open time, heap used after a GC before and after open, and timings of point reads and scans.
 * Run fill and open in separate JVMs for a cold-JVM open; {@code both} does both in one.
 */
public final class StoreScaleCheck {

    static final int FANOUT = 1000;
    static final int BATCH = 10_000;
    private static final List<ACL> OPEN_ACL = List.of(new ACL(31, new Id("world", "anyone")));

    private StoreScaleCheck() {
    }

    static String parent(long i) {
        return String.format("/p%05d", i / FANOUT);
    }

    static String node(long i) {
        return String.format("%s/c%06d", parent(i), i % FANOUT);
    }

    /** Writes "/" and {@code nodes} nodes (parents count among them); returns the time it took in ms. */
    static long fill(Path dir, long nodes) {
        long start = System.nanoTime();
        byte[] data = new byte[32];
        try (RocksZnodeStore store = RocksZnodeStore.open(dir)) {
            long zxid = 1;
            store.commit(store.batch().putAcl(1, OPEN_ACL)
                    .putMeta("/", NodeMeta.created(0, 0, 0, 1, NodeKind.PERSISTENT, 0, 0))
                    .putData("/", new byte[0]), false);
            ZnodeStore.Batch b = store.batch();
            int inBatch = 0;
            long written = 0;
            for (long i = 0; written < nodes; i++) {
                if (i % FANOUT == 0) {
                    b.putMeta(parent(i), NodeMeta.created(zxid, zxid, 0, 1, NodeKind.PERSISTENT, 0, 0))
                            .putData(parent(i), new byte[0]);
                    written++;
                    inBatch++;
                }
                if (written < nodes) {
                    b.putMeta(node(i), NodeMeta.created(zxid, zxid, data.length, 1, NodeKind.PERSISTENT, 0, 0))
                            .putData(node(i), data);
                    written++;
                    inBatch++;
                }
                if (inBatch >= BATCH) {
                    store.commit(b.setLastZxid(zxid++), false);
                    b = store.batch();
                    inBatch = 0;
                }
            }
            store.commit(b.setLastZxid(zxid), false);
            store.commit(store.batch(), true);                  // one WAL sync for the lot
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Heap in use after a full GC. */
    static long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static void main(String[] args) throws Exception {
        long nodes = Long.parseLong(args[0].replace("_", ""));
        Path dir = Path.of(args[1]);
        String mode = args.length > 2 ? args[2] : "both";
        if (mode.equals("fill") || mode.equals("both")) {
            if (Files.exists(dir)) {
                throw new IllegalArgumentException(dir + " exists; fill wants a new directory");
            }
            long ms = fill(dir, nodes);
            System.out.printf("fill: %,d nodes in %,d ms%n", nodes, ms);
        }
        if (mode.equals("open") || mode.equals("both")) {
            open(dir);
        }
    }

    private static void open(Path dir) {
        // Loading (and, the first time, extracting) the JNI library is a per-process cost, not a per-store one.
        long loadStart = System.nanoTime();
        RocksDB.loadLibrary();
        System.out.printf("rocksdb native library load: %,d ms%n", (System.nanoTime() - loadStart) / 1_000_000);
        long heapBefore = heapUsedAfterGc();
        long start = System.nanoTime();
        try (RocksZnodeStore store = RocksZnodeStore.open(dir)) {
            long openMs = (System.nanoTime() - start) / 1_000_000;
            long heapOpen = heapUsedAfterGc();
            System.out.printf("open: %,d ms; heap used after GC: %.1f MiB before open, %.1f MiB after open "
                            + "(+%.1f MiB); lastZxid=%d%n", openMs, mib(heapBefore), mib(heapOpen),
                    mib(heapOpen - heapBefore), store.lastZxid());

            long total = store.descendantCount("/");
            long parents = store.children("/").size();
            long nodesBelowParents = total - parents;
            Random random = new Random(1);
            int reads = 10_000;
            String[] paths = new String[reads];
            for (int i = 0; i < reads; i++) {
                paths[i] = node((long) (random.nextDouble() * nodesBelowParents));
            }
            StringBuilder readFigures = new StringBuilder();
            for (String pass : new String[] {"first", "second"}) {
                long t0 = System.nanoTime();
                int found = 0;
                for (String p : paths) {
                    if (store.meta(p) != null) {
                        found++;
                    }
                }
                long metaNs = System.nanoTime() - t0;
                t0 = System.nanoTime();
                for (String p : paths) {
                    store.data(p);
                }
                long dataNs = System.nanoTime() - t0;
                readFigures.append(String.format("%s pass: %d random meta() %.1f us avg (%d found), data() %.1f us"
                        + " avg; ", pass, reads, metaNs / 1000.0 / reads, found, dataNs / 1000.0 / reads));
            }
            long t0 = System.nanoTime();
            int children = store.children(parent(0)).size();
            long childrenUs = (System.nanoTime() - t0) / 1000;
            t0 = System.nanoTime();
            long count = store.descendantCount("/");
            long countMs = (System.nanoTime() - t0) / 1_000_000;
            long heapAfterReads = heapUsedAfterGc();
            System.out.printf("reads: %schildren(%s) = %d in %,d us; descendantCount(\"/\") = %,d in %,d ms; "
                            + "heap after reads and GC %.1f MiB%n",
                    readFigures, parent(0), children, childrenUs, count, countMs, mib(heapAfterReads));
            System.out.printf("rss: %s%n", rss());
        }
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("n/a").replaceAll("\\s+", " ");
        } catch (Exception e) {
            return "n/a";
        }
    }
}
