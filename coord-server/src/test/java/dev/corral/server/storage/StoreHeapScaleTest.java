package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap that an open store holds must not grow with its node count: open a 1,000-node and a 100,000-node store
 * in this JVM and compare the heap used after a GC. No timing assertions; the 1M figures are in docs/storage.md.
 */
class StoreHeapScaleTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void heapAfterOpenDoesNotGrowWithNodeCount() {
        Path small = dir.resolve("small");
        Path big = dir.resolve("big");
        StoreScaleCheck.fill(small, 1_000);
        StoreScaleCheck.fill(big, 100_000);

        long smallHeap = heapHeldWhileOpen(small, 1_000);
        long bigHeap = heapHeldWhileOpen(big, 100_000);

        System.out.printf("heap held by an open store: %,d bytes with 1,000 nodes, %,d bytes with 100,000%n",
                smallHeap, bigHeap);
        // An in-heap tree would hold ~100 bytes per node, about 10 MiB more for the big store; with no tree at
        // all the two are within noise of each other.
        assertThat(bigHeap - smallHeap).as("extra heap of the 100k store, bytes").isLessThan(16 * MIB);
        assertThat(bigHeap).as("heap held by an open 100k store, bytes").isLessThan(16 * MIB);
    }

    @Test
    void aFreshlyOpenedStoreReadsNodesWhoseIndexIsNotCachedYet() {
        // rocksdbjni 9.7's keyMayExist can report a value found, and hand back an empty one, when the index block it
        // needs is not in the block cache (facebook/rocksdb#12921). After opening, only L0 files have their index
        // pinned: 1 MiB memtables make 100,000 nodes compact into L1, whose index partitions are read on demand (a
        // 1,000,000-znode server failed to start on this).
        StoreOptions small = new StoreOptions(1 << 20, 1 << 20, 512, 4 << 20, true);
        Path cold = dir.resolve("cold");
        List<String> paths = new java.util.ArrayList<>();
        try (RocksZnodeStore store = RocksZnodeStore.open(cold, small)) {
            for (int batch = 0; batch < 100; batch++) {
                ZnodeStore.Batch b = store.batch();
                for (int i = 0; i < 1_000; i++) {
                    String path = String.format("/n%03d-%04d", batch, i);
                    b.putMeta(path, NodeMeta.created(batch + 1, batch + 1, 32, 1, NodeKind.PERSISTENT, 0, 0))
                            .putData(path, new byte[32]);
                    if (i == 500) {
                        paths.add(path);
                    }
                }
                store.commit(b.setLastZxid(batch + 1), false);
            }
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(cold, small)) {
            for (String path : paths) {
                assertThat(store.meta(path)).as(path).isNotNull();
            }
            assertThat(store.meta("/n999-0000")).isNull();
        }
    }

    private static long heapHeldWhileOpen(Path path, long nodes) {
        long before = StoreScaleCheck.heapUsedAfterGc();
        try (RocksZnodeStore store = RocksZnodeStore.open(path)) {
            // A few reads so that whatever the store caches on first use is counted too.
            assertThat(store.descendantCount("/")).isEqualTo(nodes);
            assertThat(store.meta(StoreScaleCheck.node(nodes / 2))).isNotNull();
            assertThat(store.children(StoreScaleCheck.parent(0))).isNotEmpty();
            return StoreScaleCheck.heapUsedAfterGc() - before;
        }
    }
}
