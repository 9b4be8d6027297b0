package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.zab.HardState;
import dev.corral.zab.Ready;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write-ahead log damaged before its end (issue 16: four bytes written at 60% of a member's newest ZAB log file
 * after it was killed) must stop the open with the file named, while a torn last record (a crash during its write)
 * is dropped as before. Each case runs on a crash image: the files of a live store copied after its last synced
 * write, which is what kill -9 leaves on disk.
 */
class DamagedWalTest {

    @TempDir
    Path dir;

    private static final byte[] DAMAGE = {(byte) 0xa5, 0x5a, (byte) 0xa5, 0x5a};

    private Path zabLogImage(int entries) throws IOException {
        Path live = dir.resolve("live");
        try (ZabLogStore s = ZabLogStore.open(live)) {
            s.persist(new Ready(new HardState(1, 1), null, null, List.of(), List.of(), List.of()));
            for (int c = 1; c <= entries; c += 10) {
                s.persist(new Ready(null, null, null, txns(c, c + 9), List.of(), List.of()));
            }
            return crashImage(live, dir.resolve("image"));
        }
    }

    /** Entries of epoch 1 with 200-byte payloads, so that 2,000 of them fill a dozen WAL blocks. */
    private static List<Txn> txns(long from, long to) {
        List<Txn> out = new java.util.ArrayList<>();
        for (long c = from; c <= to; c++) {
            byte[] payload = new byte[200];
            java.util.Arrays.fill(payload, (byte) c);
            out.add(new Txn(new Zxid(1, c), payload));
        }
        return out;
    }

    static Path crashImage(Path live, Path image) throws IOException {
        Files.createDirectories(image);
        try (Stream<Path> files = Files.list(live)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("LOCK")) {
                    Files.copy(f, image.resolve(f.getFileName()));
                }
            }
        }
        return image;
    }

    static Path newestWal(Path db) throws IOException {
        try (Stream<Path> files = Files.list(db)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
    }

    static long damage(Path file, double at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long offset = (long) (f.length() * at);
            f.seek(offset);
            f.write(DAMAGE);
            return offset;
        }
    }

    @Test
    void anIntactLogReadsWholeAndATornTailIsNotDamage() throws IOException {
        Path image = zabLogImage(2000);
        Path wal = newestWal(image);
        assertThat(Files.size(wal)).isGreaterThan(3 * WalCheck.BLOCK);
        assertThat(WalCheck.check(wal)).as("every record of an intact log checks (CRC32C, masks, blocks)").isNull();
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertThat(WalCheck.check(wal)).isNull();
        try (ZabLogStore s = ZabLogStore.open(image)) {
            assertThat(s.lastZxid().counter()).as("only the torn last batch is gone").isEqualTo(1990);
            assertThat(s.recover(0).log()).hasSize(1990);
        }
    }

    @Test
    void aZabLogDamagedBeforeItsEndRefusesToOpenAndNamesTheFile() throws IOException {
        Path image = zabLogImage(2000);
        Path wal = newestWal(image);
        long offset = damage(wal, 0.6);
        WalCheck.Damage found = WalCheck.check(wal);
        assertThat(found).isNotNull();
        assertThat(found.file()).isEqualTo(wal);
        assertThat(found.offset()).isBetween(offset - WalCheck.BLOCK, offset);
        assertThatThrownBy(() -> ZabLogStore.open(image).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(wal.toString())
                .hasMessageContaining("at offset " + found.offset())
                .hasMessageContaining("refuses to start");
    }

    @Test
    void aStandaloneTreeWhoseWalIsDamagedRefusesToOpen() throws IOException {
        Path live = dir.resolve("tree");
        Path image;
        try (RocksZnodeStore store = RocksZnodeStore.open(live)) {
            for (long i = 1; i <= 500; i++) {
                ZnodeStore.Batch b = store.batch();
                String p = "/n" + i;
                b.putMeta(p, NodeMeta.created(i, i, 1000, 1, NodeKind.PERSISTENT, 0, 0)).putData(p, new byte[1000])
                        .setLastZxid(i);
                store.commit(b, true);
            }
            image = crashImage(live, dir.resolve("tree-image"));
        }
        Path wal = newestWal(image);
        assertThat(Files.size(wal)).isGreaterThan(3 * WalCheck.BLOCK);
        damage(wal, 0.6);
        assertThatThrownBy(() -> RocksZnodeStore.open(image).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(wal.toString());
    }
}
