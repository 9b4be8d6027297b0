package dev.corral.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.storage.RocksZnodeStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applying txns to a real store: replays are idempotent, and checkpoints carry the whole tree. */
class TreeApplierTest {
    @TempDir
    Path dir;

    private static void apply(ZnodeStore store, long zxid, Txn txn) {
        ApplyTxn.apply(store, zxid, txn);
    }

    private static Txn create(String path) {
        return ApplyTxn.create(path, new byte[0]);
    }

    @Test
    void aTxnAtOrBelowTheStoresZxidIsSkipped() {
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            TreeBootstrap.ensure(store);
            apply(store, 1, create("/a"));
            apply(store, 2, new Txn.Multi(List.of(create("/b"), create("/b/c"), new Txn.SetData("/a", new byte[] {7}))));
            // replaying both (as after installing a snapshot taken at zxid 2) changes nothing
            apply(store, 1, create("/a"));
            apply(store, 2, new Txn.Multi(List.of(create("/b"), create("/b/c"))));
            assertThat(store.lastZxid()).isEqualTo(2);
            assertThat(store.meta("/").numChildren()).isEqualTo(3);
            assertThat(store.meta("/a").version()).isEqualTo(1);
            assertThat(store.meta("/b/c").czxid()).isEqualTo(2);
            apply(store, 3, new Txn.Delete("/b/c"));
            assertThat(store.meta("/b/c")).isNull();
        }
    }

    @Test
    void aCheckpointOpensAsTheSameTree() {
        Path copy = dir.resolve("copy");
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            TreeBootstrap.ensure(store);
            for (int i = 1; i <= 50; i++) {
                apply(store, i, create("/n" + i));
            }
            store.checkpoint(copy);
            apply(store, 51, create("/after"));
        }
        try (ZnodeStore restored = RocksZnodeStore.open(copy)) {
            assertThat(restored.lastZxid()).isEqualTo(50);
            assertThat(restored.children("/")).hasSize(51).contains("n1", "n50", "zookeeper").doesNotContain("after");
            assertThat(restored.acl(restored.meta("/n7").aclId())).isEqualTo(TreeBootstrap.OPEN_ACL_UNSAFE);
        }
    }

    /** Null data stays null (dataLength 0) through the applier, a multi's pending view and a checkpoint. */
    @Test
    void nullDataStaysApartFromEmptyDataThroughMultisAndCheckpoints() {
        Path copy = dir.resolve("copy");
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            TreeBootstrap.ensure(store);
            apply(store, 1, ApplyTxn.create("/null", null));
            apply(store, 2, new Txn.Multi(List.of(ApplyTxn.create("/empty", new byte[0]),
                    ApplyTxn.create("/was", new byte[] {1}), new Txn.SetData("/was", null),
                    ApplyTxn.create("/later", null), new Txn.SetData("/later", new byte[0]))));
            PendingTree view = new PendingTree(store);
            ZnodeStore.Batch batch = view.batch();
            new TreeApplier(view).apply(3, 1003, new Txn.SetData("/empty", null), batch, TreeEvents.NONE);
            assertThat(view.data("/empty")).isNull();          // the pending view shows null, not the store's empty
            assertThat(store.data("/empty")).isEmpty();
            view.commit(batch, false);
            store.checkpoint(copy);
        }
        try (ZnodeStore restored = RocksZnodeStore.open(copy)) {
            assertThat(restored.data("/null")).isNull();
            assertThat(restored.data("/was")).isNull();
            assertThat(restored.data("/empty")).isNull();
            assertThat(restored.data("/later")).isEmpty();
            assertThat(restored.meta("/null").dataLength()).isZero();
            assertThat(restored.meta("/was").dataLength()).isZero();
            assertThat(restored.data("/")).isEmpty();
        }
    }

    /**
     * The order ZooKeeper 3.9.5 deleted these ephemerals in when their session closed (DifferentialTest
     * aClosedSessionsEphemeralsGoInZooKeepersOrder, same paths, same creation order): a HashSet's iteration order,
     * which is neither creation nor path order.
     */
    @Test
    void aClosingSessionsEphemeralsGoInZooKeepersOrder() {
        List<String> created = List.of("/eo/b/k07", "/eo/a/x3", "/eo/c/q", "/eo/b/a", "/eo/a/m1", "/eo/b/k11",
                "/eo/c/a", "/eo/a/z9", "/eo/b/k02", "/eo/c/mm", "/eo/a/x10", "/eo/b/k10", "/eo/c/t5", "/eo/a/b4");
        List<String> zookeeper = List.of("/eo/b/k02", "/eo/b/k11", "/eo/b/k07", "/eo/a/x3", "/eo/b/k10", "/eo/c/a",
                "/eo/b/a", "/eo/a/x10", "/eo/a/b4", "/eo/a/m1", "/eo/c/mm", "/eo/c/t5", "/eo/a/z9", "/eo/c/q");
        long session = 0x1234L;
        try (ZnodeStore store = RocksZnodeStore.open(dir.resolve("s"))) {
            TreeBootstrap.ensure(store);
            long zxid = 0;
            for (String parent : List.of("/eo", "/eo/a", "/eo/b", "/eo/c")) {
                apply(store, ++zxid, create(parent));
            }
            for (String path : created) {
                apply(store, ++zxid, new Txn.Create(path, new byte[0], TreeBootstrap.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL,
                        session, 0));
            }
            List<String> fired = new java.util.ArrayList<>();
            PendingTree view = new PendingTree(store);
            ZnodeStore.Batch batch = view.batch();
            new TreeApplier(view).apply(++zxid, 2000, new Txn.CloseSession(session), batch, new TreeEvents() {
                @Override
                public void nodeCreated(String path, long z) {
                    fired.add("created " + path);
                }

                @Override
                public void nodeDeleted(String path, long z) {
                    fired.add(path);
                }

                @Override
                public void dataChanged(String path, long z) {
                    fired.add("changed " + path);
                }

                @Override
                public void childrenChanged(String parentPath, long z) {
                    fired.add("children " + parentPath);
                }
            });
            view.commit(batch, false);
            assertThat(fired.stream().filter(e -> !e.startsWith("children ")).toList()).isEqualTo(zookeeper);
            assertThat(fired.get(0)).isEqualTo(zookeeper.get(0));
            assertThat(fired.get(1)).isEqualTo("children /eo/b");    // each delete is followed by its parent's event
            assertThat(store.ephemerals(session)).isEmpty();
            assertThat(store.meta("/eo/a").numChildren()).isZero();
        }
    }
}
