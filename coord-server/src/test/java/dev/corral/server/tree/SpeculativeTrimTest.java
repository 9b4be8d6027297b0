package dev.corral.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.storage.RocksZnodeStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's speculative view over a store that keeps applying commits: it must show exactly the store plus the
 * txns still in flight at every step, and hold nothing once the store has caught up.
 */
class SpeculativeTrimTest {
    private static final long SESSION = 0x51L;

    @TempDir
    Path dir;

    private static NodeMeta node(long zxid, NodeKind kind, long owner) {
        return NodeMeta.created(zxid, zxid, 0, 0, kind, owner, 0);
    }

    /** What txn 1 (create an ephemeral /p/c) does to a batch; the store and the view both get it. */
    private static void createEphemeral(ZnodeStore.Batch b) {
        b.createMeta("/p/c", node(1, NodeKind.EPHEMERAL, SESSION)).putData("/p/c", new byte[0])
                .addEphemeral(SESSION, "/p/c");
    }

    @Test
    void aChildAddedAndRemovedInFlightStaysGoneWhileTheStoreAppliesTheAdd() {
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            store.commit(store.batch().createMeta("/p", node(0, NodeKind.PERSISTENT, 0)).putData("/p", new byte[0]),
                    true);
            PendingTree spec = PendingTree.speculative(store);
            ZnodeStore.Batch b = spec.batch();
            spec.stampWith(1);
            createEphemeral(b);
            spec.stampWith(2);
            b.deleteNode("/p/c").removeEphemeral(SESSION, "/p/c");

            ZnodeStore.Batch one = store.batch();
            createEphemeral(one);
            store.commit(one.setLastZxid(1), false);
            // Txn 2 (the delete) is still in flight: the view must not show /p/c, though the store now has it.
            assertThat(spec.children("/p")).isEmpty();
            assertThat(spec.ephemerals(SESSION)).isEmpty();
            spec.trimTo(1);
            assertThat(spec.children("/p")).isEmpty();
            assertThat(spec.ephemerals(SESSION)).isEmpty();
            assertThat(spec.meta("/p/c")).isNull();
            assertThat(spec.heldRecords()).isPositive();

            store.commit(store.batch().deleteNode("/p/c").removeEphemeral(SESSION, "/p/c").setLastZxid(2), false);
            spec.trimTo(2);
            assertThat(spec.heldRecords()).as("nothing in flight, nothing held").isZero();
            assertThat(spec.children("/p")).isEmpty();
            assertThat(spec.ephemerals(SESSION)).isEmpty();
        }
    }

    @Test
    void aRecordRewrittenByALaterTxnInFlightOutlivesTheTrimOfTheEarlierOne() {
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            PendingTree spec = PendingTree.speculative(store);
            ZnodeStore.Batch b = spec.batch();
            spec.stampWith(1);
            b.createMeta("/a", node(1, NodeKind.PERSISTENT, 0)).putData("/a", new byte[] {1});
            spec.stampWith(2);
            b.putData("/a", new byte[] {2});
            spec.stampWith(3);
            b.createMeta("/b", node(3, NodeKind.PERSISTENT, 0)).putData("/b", new byte[] {3});

            store.commit(store.batch().createMeta("/a", node(1, NodeKind.PERSISTENT, 0)).putData("/a", new byte[] {1})
                    .setLastZxid(1), false);
            spec.trimTo(1);
            assertThat(spec.data("/a")).as("txn 2's data, still in flight").containsExactly(2);
            assertThat(spec.meta("/b")).isNotNull();
            assertThat(spec.children("/")).containsExactly("a", "b");

            store.commit(store.batch().putData("/a", new byte[] {2}).setLastZxid(2), false);
            spec.trimTo(2);
            assertThat(spec.data("/a")).containsExactly(2);
            assertThat(spec.meta("/b")).as("txn 3 is still in flight").isNotNull();
            store.commit(store.batch().createMeta("/b", node(3, NodeKind.PERSISTENT, 0)).putData("/b", new byte[] {3})
                    .setLastZxid(3), false);
            spec.trimTo(3);
            assertThat(spec.heldRecords()).isZero();
            assertThat(spec.children("/")).containsExactly("a", "b");
        }
    }
}
