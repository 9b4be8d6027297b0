package dev.corral.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.storage.RocksZnodeStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * putData copies the caller's array (the view and the store keep their own), putDataOwned takes it over: the copy
 * is left out only where the array is an applied txn's, which nothing changes afterwards.
 */
class BatchDataOwnershipTest {
    @TempDir
    Path dir;

    private static NodeMeta node(long zxid, int dataLength) {
        return NodeMeta.created(zxid, zxid, dataLength, 0, NodeKind.PERSISTENT, 0, 0);
    }

    @Test
    void aPendingViewAndItsStoreKeepTheirOwnCopyOfPutData() {
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            PendingTree view = new PendingTree(store);
            byte[] data = {1, 2, 3};
            ZnodeStore.Batch b = view.batch().createMeta("/a", node(1, 3)).putData("/a", data);
            data[0] = 9;
            assertThat(view.data("/a")).as("the view before commit").containsExactly(1, 2, 3);
            view.commit(b.setLastZxid(1), true);
            assertThat(store.data("/a")).as("the store after commit").containsExactly(1, 2, 3);
        }
    }

    @Test
    void putDataOwnedWritesTheArrayItWasGiven() {
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            PendingTree view = new PendingTree(store);
            byte[] data = {4, 5};
            ZnodeStore.Batch b = view.batch().createMeta("/a", node(1, 2)).putDataOwned("/a", data)
                    .putMeta("/a", node(1, 2)).putDataOwned("/a", new byte[] {6});
            assertThat(view.data("/a")).containsExactly(6);
            view.commit(b.setLastZxid(1), true);
            assertThat(store.data("/a")).as("the later write to one key in a batch wins").containsExactly(6);
            assertThat(store.meta("/a")).isEqualTo(node(1, 2));
        }
    }
}
