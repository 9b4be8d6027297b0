package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table file damaged inside a data block (issue 16's corrupt-tree finding: a zero byte at 1,677 of a 130,948-byte
 * SST) must stop the open with the file named. RocksDB opens such a file without reading that block, so before the
 * check at open a member started, served, and stopped later at the first read that reached the damage.
 */
class DamagedTableTest {

    @TempDir
    Path dir;

    /** An ensemble member's tree (no RocksDB WAL: flushed on close), 2,000 nodes of 1,000 bytes in table files. */
    private Path flushedTree() {
        Path tree = dir.resolve("tree");
        java.util.Random random = new java.util.Random(16);     // incompressible data: LZ4 would shrink a fill
        try (RocksZnodeStore store = RocksZnodeStore.open(tree, StoreOptions.defaults().withoutWriteAheadLog())) {
            for (long i = 1; i <= 2000; i++) {
                ZnodeStore.Batch b = store.batch();
                String p = "/n" + i;
                byte[] data = new byte[1000];
                random.nextBytes(data);
                b.putMeta(p, NodeMeta.created(i, i, 1000, 1, NodeKind.PERSISTENT, 0, 0)).putData(p, data)
                        .setLastZxid(i);
                store.commit(b, i % 100 == 0);
            }
        }
        return tree;
    }

    private static Path largestTable(Path db) throws IOException {
        try (Stream<Path> files = Files.list(db)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sst"))
                    .max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    @Test
    void anIntactTreeOpensAndReadsBack() {
        Path tree = flushedTree();
        try (RocksZnodeStore store = RocksZnodeStore.open(tree, StoreOptions.defaults().withoutWriteAheadLog())) {
            assertThat(store.lastZxid()).isEqualTo(2000);
        }
    }

    @Test
    void aTableDamagedInADataBlockRefusesToOpenAndNamesTheFile() throws IOException {
        Path tree = flushedTree();
        Path sst = largestTable(tree);
        assertThat(Files.size(sst)).as("the node data lives in table files").isGreaterThan(100_000);
        try (RandomAccessFile f = new RandomAccessFile(sst.toFile(), "rw")) {
            f.seek(1677);                   // the campaign's offset: inside the first data block, far from the index
            f.write(0);
            f.seek(1678);
            f.write(~f.read() & 0xff);      // and a flipped byte next to it, whatever the zero overwrote
        }
        assertThatThrownBy(() -> RocksZnodeStore.open(tree, StoreOptions.defaults().withoutWriteAheadLog()).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(sst.getFileName().toString())
                .hasMessageContaining("refuses to start");
    }
}
