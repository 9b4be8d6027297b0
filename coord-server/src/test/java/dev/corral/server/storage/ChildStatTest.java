package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.tree.ApplyTxn;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.ZnodeStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parent's child counters (pzxid, cversion, numChildren, sequence) live in their own small record, so that a
 * child's create or delete does not rewrite the parent's node_meta record; every read still sees one whole
 * NodeMeta. Checked on the records on disk (the store closed, RocksDB opened directly) and through a fresh store
 * (no cache).
 */
class ChildStatTest {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("db");
    }

    private static void apply(RocksZnodeStore store, long zxid, Txn txn) {
        ApplyTxn.apply(store, zxid, txn);
    }

    private static Txn create(String path) {
        return ApplyTxn.create(path, new byte[] {1, 2});
    }

    private NodeMeta onDisk(Cf cf, String path) throws Exception {
        try (RawStore raw = new RawStore(db())) {
            byte[] own = raw.get(Cf.NODE_META, Keys.nodeKey(path));
            if (cf == Cf.NODE_META || own == null) {
                return own == null ? null : NodeMetaCodec.decode(own);
            }
            byte[] childStat = raw.get(Cf.CHILD_STAT, Keys.nodeKey(path));
            return childStat == null ? null : NodeMetaCodec.withChildStat(NodeMetaCodec.decode(own), childStat);
        }
    }

    @Test
    void childrenCreatedAndDeletedLeaveTheParentsNodeMetaRecordAsItWas() throws Exception {
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            TreeBootstrap.ensure(store);
            apply(store, 1, create("/p"));
            for (int i = 0; i < 3; i++) {
                apply(store, 2 + i, create("/p/c" + i));
            }
            apply(store, 5, new Txn.Delete("/p/c0"));
        }
        NodeMeta record = onDisk(Cf.NODE_META, "/p");
        assertThat(record.cversion()).as("node_meta of /p as its create wrote it").isZero();
        assertThat(record.numChildren()).isZero();
        assertThat(record.pzxid()).isEqualTo(1);

        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            NodeMeta p = store.meta("/p");
            assertThat(p.cversion()).isEqualTo(4);
            assertThat(p.numChildren()).isEqualTo(2);
            assertThat(p.pzxid()).isEqualTo(5);
            assertThat(p.childSeq()).isEqualTo(3);
            assertThat(p.czxid()).isEqualTo(1);
            assertThat(p.dataLength()).isEqualTo(2);
            assertThat(store.meta("/p/c1").cversion()).isZero();

            // setData of the parent rewrites its node_meta record, whole, and keeps its child counters
            apply(store, 6, new Txn.SetData("/p", new byte[] {1, 2, 3, 4, 5}));
        }
        record = onDisk(Cf.NODE_META, "/p");
        assertThat(record.version()).isEqualTo(1);
        assertThat(record.cversion()).isEqualTo(4);
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            NodeMeta p = store.meta("/p");
            assertThat(p.version()).isEqualTo(1);
            assertThat(p.dataLength()).isEqualTo(5);
            assertThat(p.mzxid()).isEqualTo(6);
            assertThat(p.cversion()).isEqualTo(4);
            assertThat(p.numChildren()).isEqualTo(2);
            assertThat(p.pzxid()).isEqualTo(5);
            assertThat(store.meta("/").numChildren()).isEqualTo(2);      // "/zookeeper" and "/p"
        }
    }

    @Test
    void aNodeDeletedAndMadeAgainStartsWithNoChildCountersOfItsOwn() throws Exception {
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            TreeBootstrap.ensure(store);
            apply(store, 1, create("/p"));
            apply(store, 2, create("/p/c"));
            apply(store, 3, new Txn.Delete("/p/c"));
            apply(store, 4, new Txn.Delete("/p"));
            apply(store, 5, create("/p"));
            // and within one multi: made, given a child, deleted with it and made again
            apply(store, 6, new Txn.Multi(List.of(create("/q"), create("/q/c"), new Txn.Delete("/q/c"),
                    new Txn.Delete("/q"), create("/q"))));
        }
        assertThat(onDisk(Cf.CHILD_STAT, "/p")).isNull();
        assertThat(onDisk(Cf.CHILD_STAT, "/q")).isNull();
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            for (String path : List.of("/p", "/q")) {
                NodeMeta m = store.meta(path);
                assertThat(m.cversion()).as(path).isZero();
                assertThat(m.numChildren()).as(path).isZero();
                assertThat(m.childSeq()).as(path).isZero();
                assertThat(m.pzxid()).as(path).isEqualTo(m.czxid());
            }
        }
    }

    @Test
    void aWholeMetadataWriteReplacesTheChildCounters() {
        NodeMeta created = NodeMeta.created(1, 1000, 0, 1, NodeKind.PERSISTENT, 0, 0);
        NodeMeta twoChildren = created.withChildCreated(2).withChildCreated(3);
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            store.commit(store.batch().createMeta("/p", created), false);
            store.commit(store.batch().putChildStat("/p", twoChildren), false);
        }
        NodeMeta fiveChildren = new NodeMeta(1, 9, 9, 1000, 2000, 3, 5, 0, 0, 0, 5, 1, 5, NodeKind.PERSISTENT, 0);
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            assertThat(store.meta("/p")).isEqualTo(twoChildren);
            store.commit(store.batch().putMeta("/p", fiveChildren), false);
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            assertThat(store.meta("/p")).isEqualTo(fiveChildren);
            store.commit(store.batch().putMeta("/p", created), false);      // counters back to none
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            assertThat(store.meta("/p")).isEqualTo(created);
        }
    }

    @Test
    void aWriteThatKeepsTheChildCountersLeavesTheirRecordAlone() {
        NodeMeta twoChildren = NodeMeta.created(1, 1000, 0, 1, NodeKind.PERSISTENT, 0, 0)
                .withChildCreated(2).withChildCreated(3);
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            store.commit(store.batch().createMeta("/p", twoChildren.withChildDeleted(4).withChildDeleted(5)), false);
            store.commit(store.batch().putChildStat("/p", twoChildren), false);

            RocksBatch setData = (RocksBatch) store.batch().putMeta("/p", twoChildren.withData(6, 2000, 9));
            assertThat(setData.ops).extracting(RocksBatch.Op::cf).containsExactly(Cf.NODE_META);
            store.commit(setData, false);
            assertThat(store.meta("/p")).isEqualTo(twoChildren.withData(6, 2000, 9));

            RocksBatch changed = (RocksBatch) store.batch().putMeta("/p", twoChildren.withChildCreated(7));
            assertThat(changed.ops).extracting(RocksBatch.Op::cf).containsExactly(Cf.NODE_META, Cf.CHILD_STAT);

            // "as they are" means as this batch left them, not as the store holds them
            NodeMeta stored = store.meta("/p");
            ZnodeStore.Batch b = store.batch().putChildStat("/p", stored.withChildCreated(8)).putMeta("/p", stored);
            store.commit(b, false);
            assertThat(store.meta("/p")).isEqualTo(stored);
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            assertThat(store.meta("/p")).isEqualTo(twoChildren.withData(6, 2000, 9));
        }
    }

    @Test
    void aVersionOneStoreOpensAndIsMarkedVersionTwoAndAnUnknownVersionIsRefused() throws Exception {
        NodeMeta withChildren = NodeMeta.created(1, 1000, 0, 1, NodeKind.PERSISTENT, 0, 0).withChildCreated(2);
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            store.commit(store.batch().putMeta("/p", withChildren), false);
        }
        try (RawStore raw = new RawStore(db())) {
            // what version 1 wrote: the whole metadata in node_meta, no child_stat record, format 1
            raw.delete(Cf.CHILD_STAT, Keys.nodeKey("/p"));
            raw.put(Cf.META, RocksZnodeStore.FORMAT_KEY, Keys.longKey(1));
        }
        try (RocksZnodeStore store = RocksZnodeStore.open(db())) {
            assertThat(store.meta("/p")).isEqualTo(withChildren);
        }
        try (RawStore raw = new RawStore(db())) {
            assertThat(Keys.getLong(raw.get(Cf.META, RocksZnodeStore.FORMAT_KEY), 0)).isEqualTo(2);
            raw.put(Cf.META, RocksZnodeStore.FORMAT_KEY, Keys.longKey(3));
        }
        assertThatThrownBy(() -> RocksZnodeStore.open(db()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unknown format version 3");
    }
}
