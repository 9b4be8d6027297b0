package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's running totals beside its node count: the approximate data size (ZooKeeper's: path length plus data
 * length of every node) and the ephemeral count follow creates, data changes and deletes, survive a restart, and
 * are added up once for a store written before they were kept.
 */
class StoreTotalsTest {
    @TempDir
    Path dir;

    private static NodeMeta meta(long zxid, int dataLength) {
        return NodeMeta.created(zxid, 1000 + zxid, dataLength, 1, NodeKind.PERSISTENT, 0, 0);
    }

    private static NodeMeta ephemeral(long zxid, long owner) {
        return NodeMeta.created(zxid, 1000 + zxid, 0, 1, NodeKind.EPHEMERAL, owner, 0);
    }

    @Test
    void followsWritesAndRestarts() throws Exception {
        Path db = dir.resolve("db");
        try (RocksZnodeStore store = RocksZnodeStore.open(db)) {
            assertThat(store.approximateDataSize()).isZero();
            store.commit(store.batch().createMeta("/a", meta(1, 3)).putData("/a", new byte[3])
                    .createMeta("/a/bc", meta(1, 0)).putData("/a/bc", null), true);
            assertThat(store.approximateDataSize()).isEqualTo(2 + 3 + 5);
            store.commit(store.batch().putMeta("/a", store.meta("/a").withData(2, 2000, 10))
                    .putData("/a", new byte[10]), true);
            assertThat(store.approximateDataSize()).isEqualTo(2 + 10 + 5);
            // Written twice in one batch: counted once, with its final size.
            store.commit(store.batch().createMeta("/x", meta(3, 4)).putMeta("/x", meta(3, 1)), true);
            assertThat(store.approximateDataSize()).isEqualTo(2 + 10 + 5 + 2 + 1);
            store.commit(store.batch().deleteNode("/a/bc").deleteNode("/x"), true);
            assertThat(store.approximateDataSize()).isEqualTo(2 + 10);
            assertThat(store.ephemeralCount()).isZero();
            store.commit(store.batch().createMeta("/e1", ephemeral(4, 7)).createMeta("/e2", ephemeral(4, 7))
                    .createMeta("/e3", ephemeral(4, 8)), true);
            store.commit(store.batch().deleteNode("/e3"), true);
            assertThat(store.ephemeralCount()).isEqualTo(2);
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(db)) {
            assertThat(store.approximateDataSize()).isEqualTo(12 + 3 + 3);
            assertThat(store.ephemeralCount()).isEqualTo(2);
        }
        try (RawStore raw = new RawStore(db)) {
            raw.delete(Cf.META, RocksZnodeStore.DATA_SIZE_KEY);
            raw.delete(Cf.META, RocksZnodeStore.EPHEMERAL_COUNT_KEY);
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(db)) {
            assertThat(store.approximateDataSize()).as("added up from the metadata").isEqualTo(18);
            assertThat(store.ephemeralCount()).as("counted from the metadata").isEqualTo(2);
        }
    }
}
