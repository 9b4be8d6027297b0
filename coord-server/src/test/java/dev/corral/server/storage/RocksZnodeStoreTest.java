package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import dev.corral.server.tree.ZnodeStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksZnodeStoreTest {

    private static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    private static final List<ACL> READ_ONLY = List.of(new ACL(1, new Id("world", "anyone")));
    private static final List<ACL> CREATOR = List.of(new ACL(31, new Id("auth", "")),
            new ACL(1, new Id("digest", "bob:hash")));

    @TempDir
    Path dir;
    private RocksZnodeStore store;

    @BeforeEach
    void open() {
        store = RocksZnodeStore.open(dir.resolve("db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        store = RocksZnodeStore.open(dir.resolve("db"));
    }

    private static NodeMeta meta(long zxid) {
        return NodeMeta.created(zxid, 1000 + zxid, 3, 1, NodeKind.PERSISTENT, 0, 0);
    }

    @Test
    void cachedChildrenListsFollowEveryCreateAndDelete() {
        create("/p", "/p/a", "/p/b", "/q");
        assertThat(store.children("/p")).containsExactly("a", "b");
        assertThat(store.childrenCacheSize()).isEqualTo(1);
        List<String> mine = store.children("/p");
        mine.add("zzz");                                  // a caller's copy, not the cache
        assertThat(store.children("/p")).containsExactly("a", "b");
        create("/p/c");
        assertThat(store.children("/p")).containsExactly("a", "b", "c");
        store.commit(store.batch().deleteNode("/p/a"), false);
        assertThat(store.children("/p")).containsExactly("b", "c");
        assertThat(store.children("/q")).isEmpty();
        create("/q/x");
        assertThat(store.children("/q")).containsExactly("x");
        assertThat(store.children("/p")).containsExactly("b", "c");
    }

    @Test
    void laterOpsOnOneKeyInABatchWinWhateverCameBetween() {
        create("/keep");
        ZnodeStore.Batch b = store.batch();
        b.putMeta("/a", meta(1)).putData("/a", "one".getBytes(StandardCharsets.UTF_8));
        b.putMeta("/b", meta(2)).putData("/b", "b".getBytes(StandardCharsets.UTF_8));
        b.addEphemeral(7, "/b");
        b.putMeta("/a", meta(3)).putData("/a", "three".getBytes(StandardCharsets.UTF_8));
        b.deleteNode("/b").removeEphemeral(7, "/b");
        b.deleteNode("/keep").putMeta("/keep", meta(4));
        b.setLastZxid(3).setLastZxid(4);
        store.commit(b, true);
        reopen();
        assertThat(store.meta("/a")).isEqualTo(meta(3));
        assertThat(new String(store.data("/a"), StandardCharsets.UTF_8)).isEqualTo("three");
        assertThat(store.meta("/b")).isNull();
        assertThat(store.data("/b")).isNull();
        assertThat(store.ephemerals(7)).isEmpty();
        assertThat(store.meta("/keep")).isEqualTo(meta(4));
        assertThat(store.lastZxid()).isEqualTo(4);
    }

    /** Creates the nodes (meta + data = path bytes) in one committed batch. */
    private void create(String... paths) {
        ZnodeStore.Batch b = store.batch();
        for (String p : paths) {
            b.putMeta(p, meta(p.length())).putData(p, p.getBytes(StandardCharsets.UTF_8));
        }
        store.commit(b, false);
    }

    @Test
    void newStoreIsEmpty() {
        assertThat(store.lastZxid()).isZero();
        assertThat(store.maxAclId()).isZero();
        assertThat(store.meta("/")).isNull();
        assertThat(store.data("/")).isNull();
        assertThat(store.children("/")).isEmpty();
        assertThat(store.descendantCount("/")).isZero();
        assertThat(store.ephemerals(1)).isEmpty();
        assertThat(store.metaLong("x", 42)).isEqualTo(42);
        assertThat(store.acl(1)).isNull();
        assertThat(store.aclId(OPEN)).isEqualTo(-1);
        List<SessionRecord> sessions = new ArrayList<>();
        store.forEachSession(sessions::add);
        assertThat(sessions).isEmpty();
        assertThat(store.batch().isEmpty()).isTrue();
    }

    @Test
    void metaAndDataRoundTripAndSurviveReopen() {
        NodeMeta m = new NodeMeta(1, 2, 3, 4, 5, 6, 7, 8, 0x55L, 3, 9, 1, 10, NodeKind.EPHEMERAL, 0);
        store.commit(store.batch().putMeta("/a", m).putData("/a", new byte[] {1, 2, 3}).setLastZxid(2), true);
        assertThat(store.meta("/a")).isEqualTo(m);
        assertThat(store.data("/a")).containsExactly(1, 2, 3);
        assertThat(store.lastZxid()).isEqualTo(2);
        reopen();
        assertThat(store.meta("/a")).isEqualTo(m);
        assertThat(store.data("/a")).containsExactly(1, 2, 3);
        assertThat(store.lastZxid()).isEqualTo(2);
    }

    @Test
    void emptyDataIsEmptyAndNullDataIsNullAcrossReopen() {
        store.commit(store.batch().putMeta("/e", meta(1)).putData("/e", new byte[0]), false);
        store.commit(store.batch().putMeta("/null", meta(2)).putData("/null", null), false);
        store.commit(store.batch().putMeta("/was", meta(3)).putData("/was", new byte[] {1}), false);
        store.commit(store.batch().putData("/was", null).putData("/e", new byte[0]), false);
        for (int round = 0; round < 2; round++) {
            assertThat(store.data("/e")).isEmpty();
            assertThat(store.data("/null")).isNull();
            assertThat(store.meta("/null")).isEqualTo(meta(2));    // a node, with null data
            assertThat(store.data("/was")).isNull();
            assertThat(store.data("/missing")).isNull();
            assertThat(store.meta("/missing")).isNull();
            reopen();
        }
        store.commit(store.batch().putData("/null", new byte[0]).putData("/was", new byte[] {2}), false);
        assertThat(store.data("/null")).isEmpty();
        assertThat(store.data("/was")).containsExactly(2);
    }

    @Test
    void putReplacesAndLaterOperationInABatchWins() {
        create("/a");
        NodeMeta changed = meta(1).withData(9, 99, 1);
        store.commit(store.batch().putMeta("/a", changed).putData("/a", new byte[] {7}), false);
        assertThat(store.meta("/a")).isEqualTo(changed);
        assertThat(store.data("/a")).containsExactly(7);

        store.commit(store.batch().putMeta("/b", meta(1)).putData("/b", new byte[] {1}).deleteNode("/b"), false);
        assertThat(store.meta("/b")).isNull();
        store.commit(store.batch().deleteNode("/c").putMeta("/c", meta(1)).putData("/c", new byte[] {2}), false);
        assertThat(store.data("/c")).containsExactly(2);
        store.commit(store.batch().putMetaLong("k", 1).putMetaLong("k", 2).setLastZxid(5).setLastZxid(6), false);
        assertThat(store.metaLong("k", 0)).isEqualTo(2);
        assertThat(store.lastZxid()).isEqualTo(6);
    }

    @Test
    void dataArrayIsCopiedWhenAddedToABatch() {
        byte[] data = {1, 2};
        ZnodeStore.Batch b = store.batch().putMeta("/a", meta(1)).putData("/a", data);
        data[0] = 9;
        store.commit(b, false);
        assertThat(store.data("/a")).containsExactly(1, 2);
    }

    @Test
    void childrenOfRootAndDeeperNodesInByteOrder() {
        create("/", "/b", "/a", "/ab", "/a/b", "/a/bc", "/a/b/c", "/a/a", "/a/B", "/ab/x", "/zookeeper",
                "/zookeeper/quota", "/a/b/c/d");
        assertThat(store.children("/")).containsExactly("a", "ab", "b", "zookeeper");
        assertThat(store.children("/a")).containsExactly("B", "a", "b", "bc");
        assertThat(store.children("/a/b")).containsExactly("c");
        assertThat(store.children("/a/bc")).isEmpty();
        assertThat(store.children("/ab")).containsExactly("x");
        assertThat(store.children("/a/b/c")).containsExactly("d");
        assertThat(store.children("/nope")).isEmpty();
    }

    @Test
    void childrenUseByteOrderForNonAscii() {
        create("/", "/p", "/p/é", "/p/z", "/p/Z", "/p/0", "/p/\u4e2d", "/p/-");
        // UTF-8 byte order: '-' 0x2D, '0' 0x30, 'Z' 0x5A, 'z' 0x7A, 'é' 0xC3.., '中' 0xE4..
        assertThat(store.children("/p")).containsExactly("-", "0", "Z", "z", "é", "\u4e2d");
    }

    @Test
    void childrenAfterManySiblingsAndSequentialNames() {
        ZnodeStore.Batch b = store.batch().putMeta("/q", meta(1));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String name = String.format("lock-%010d", i);
            expected.add(name);
            b.putMeta("/q/" + name, meta(i));
        }
        b.putMeta("/q-other", meta(1)).putMeta("/q0", meta(1));
        store.commit(b, false);
        assertThat(store.children("/q")).containsExactlyElementsOf(expected);
    }

    /** Nodes below the root counted the slow way: a scan per subtree of each child of the root. */
    private long scannedBelowRoot() {
        long n = 0;
        for (String child : store.children("/")) {
            n += 1 + store.descendantCount("/" + child);
        }
        return n;
    }

    @Test
    void theWholeTreesSizeIsKeptByEveryCommitAndSurvivesReopenCheckpointAndAnOldStore() throws Exception {
        dev.corral.server.tree.TreeBootstrap.ensure(store);
        assertThat(store.descendantCount("/")).isEqualTo(3).isEqualTo(scannedBelowRoot());

        ZnodeStore.Batch b = store.batch();
        b.createMeta("/a", meta(1)).createMeta("/a/b", meta(1)).putMeta("/", meta(1));
        b.putMeta("/c", meta(1));                            // a create through putMeta: looked up, counted
        store.commit(b, false);
        assertThat(store.descendantCount("/")).isEqualTo(6).isEqualTo(scannedBelowRoot());

        b = store.batch();                                   // created and deleted within one batch
        b.createMeta("/tmp", meta(2)).deleteNode("/tmp");
        b.deleteNode("/a/b").putMeta("/a/b", meta(2));       // deleted and made again within one batch
        b.putMeta("/a", meta(2));                            // an update
        b.deleteNode("/never-there");
        store.commit(b, true);
        assertThat(store.descendantCount("/")).isEqualTo(6).isEqualTo(scannedBelowRoot());

        b = store.batch();
        b.deleteNode("/a/b").deleteNode("/a").deleteNode("/c");
        store.commit(b, false);
        assertThat(store.descendantCount("/")).isEqualTo(3).isEqualTo(scannedBelowRoot());
        create("/x", "/x/y");

        reopen();
        assertThat(store.descendantCount("/")).isEqualTo(5).isEqualTo(scannedBelowRoot());
        Path copy = dir.resolve("checkpoint");
        store.checkpoint(copy);
        try (RocksZnodeStore fromCopy = RocksZnodeStore.open(copy)) {
            assertThat(fromCopy.descendantCount("/")).isEqualTo(5);
        }

        // A store from before the count was kept: the count is missing, and counted at open.
        store.close();
        try (RawStore raw = new RawStore(dir.resolve("db"))) {
            raw.delete(Cf.META, RocksZnodeStore.NODE_COUNT_KEY);
        }
        store = RocksZnodeStore.open(dir.resolve("db"));
        assertThat(store.descendantCount("/")).isEqualTo(5).isEqualTo(scannedBelowRoot());
        create("/z");
        reopen();
        assertThat(store.descendantCount("/")).isEqualTo(6);
    }

    /**
     * An ensemble member's tree (no WAL): a snapshot checkpoint holds commits not flushed yet, and a data directory
     * written with a WAL (before this option existed) opens without one with nothing lost.
     */
    @Test
    void withoutAWalCheckpointsHoldUnflushedCommitsAndAStoreWrittenWithOneOpensWithout() {
        StoreOptions noWal = StoreOptions.defaults().withoutWriteAheadLog();
        create("/old");                                       // unsynced, in the WAL of the default store
        store.close();
        store = RocksZnodeStore.open(dir.resolve("db"), noWal);
        assertThat(store.data("/old")).isEqualTo("/old".getBytes(StandardCharsets.UTF_8));
        ZnodeStore.Batch b = store.batch();
        b.putMeta("/new", meta(7)).putData("/new", new byte[] {7}).setLastZxid(7);
        store.commit(b, false);

        Path copy = dir.resolve("checkpoint");
        store.checkpoint(copy);
        try (RocksZnodeStore fromCopy = RocksZnodeStore.open(copy, noWal)) {
            assertThat(fromCopy.lastZxid()).isEqualTo(7);
            assertThat(fromCopy.data("/new")).containsExactly(7);
            assertThat(fromCopy.descendantCount("/")).isEqualTo(2);
        }
    }

    @Test
    void rewritingANodeOverwritesItInTheMemtableInsteadOfPilingUpVersions() {
        create("/", "/hot");
        long before = store.activeMemtableEntries();
        byte[] data = new byte[1024];
        for (int i = 0; i < 2_000; i++) {
            data[0] = (byte) i;
            store.commit(store.batch().putMeta("/hot", meta(10 + i)).putData("/hot", data).setLastZxid(10 + i),
                    false);
        }
        assertThat(store.data("/hot")).isEqualTo(data);
        assertThat(store.meta("/hot")).isEqualTo(meta(2_009));
        // Versions kept side by side would be 4,000 entries (a metadata and a data record per commit).
        assertThat(store.activeMemtableEntries() - before).isLessThan(100);
    }

    @Test
    void descendantCountAtSeveralDepths() {
        create("/", "/a", "/a/b", "/a/bc", "/a/b/c", "/a/b/c/d", "/a/b/c/d/e", "/ab", "/ab/x", "/z");
        assertThat(store.descendantCount("/")).isEqualTo(9);
        assertThat(store.descendantCount("/a")).isEqualTo(5);
        assertThat(store.descendantCount("/a/b")).isEqualTo(3);
        assertThat(store.descendantCount("/a/bc")).isZero();
        assertThat(store.descendantCount("/a/b/c/d")).isEqualTo(1);
        assertThat(store.descendantCount("/a/b/c/d/e")).isZero();
        assertThat(store.descendantCount("/ab")).isEqualTo(1);
        assertThat(store.descendantCount("/missing")).isZero();
        store.commit(store.batch().deleteNode("/a/b/c/d/e").deleteNode("/a/b/c/d"), false);
        assertThat(store.descendantCount("/a")).isEqualTo(3);
        assertThat(store.descendantCount("/")).isEqualTo(7);
    }

    @Test
    void deletedNodesAreGoneFromEveryRead() {
        create("/", "/a", "/a/x", "/a/y");
        store.commit(store.batch().deleteNode("/a/x"), false);
        assertThat(store.meta("/a/x")).isNull();
        assertThat(store.data("/a/x")).isNull();
        assertThat(store.children("/a")).containsExactly("y");
        assertThat(store.descendantCount("/")).isEqualTo(2);
        reopen();
        assertThat(store.meta("/a/x")).isNull();
        assertThat(store.data("/a/x")).isNull();
        assertThat(store.children("/a")).containsExactly("y");
    }

    @Test
    void ephemeralsIndex() {
        long s1 = 0x100000000001L;
        long s2 = 0x100000000002L;
        long negative = -1L;                         // all-0xFF prefix: no upper bound exists
        store.commit(store.batch()
                .addEphemeral(s1, "/e/b").addEphemeral(s1, "/e/a").addEphemeral(s1, "/e/a/deeper")
                .addEphemeral(s2, "/e/c").addEphemeral(negative, "/neg").addEphemeral(0, "/zero"), false);
        assertThat(store.ephemerals(s1)).containsExactly("/e/a", "/e/a/deeper", "/e/b");
        assertThat(store.ephemerals(s2)).containsExactly("/e/c");
        assertThat(store.ephemerals(negative)).containsExactly("/neg");
        assertThat(store.ephemerals(0)).containsExactly("/zero");
        assertThat(store.ephemerals(3)).isEmpty();
        store.commit(store.batch().removeEphemeral(s1, "/e/a").removeEphemeral(s2, "/e/c"), false);
        reopen();
        assertThat(store.ephemerals(s1)).containsExactly("/e/a/deeper", "/e/b");
        assertThat(store.ephemerals(s2)).isEmpty();
    }

    @Test
    void sessionsPutDeleteAndSurviveReopen() {
        store.commit(store.batch()
                .putSession(new SessionRecord(1, new byte[] {1, 1}, 4000))
                .putSession(new SessionRecord(2, new byte[16], 30000))
                .putSession(new SessionRecord(-7, new byte[] {9}, 10))
                .putSession(new SessionRecord(1, new byte[] {5}, 6000)), true);
        store.commit(store.batch().deleteSession(2), false);
        reopen();
        Map<Long, SessionRecord> seen = new HashMap<>();
        store.forEachSession(s -> seen.put(s.sessionId(), s));
        assertThat(seen).containsOnlyKeys(1L, -7L);
        assertThat(seen.get(1L).password()).containsExactly(5);
        assertThat(seen.get(1L).timeoutMs()).isEqualTo(6000);
        assertThat(seen.get(-7L).password()).containsExactly(9);
    }

    @Test
    void metaLongsAreSeparateFromLastZxid() {
        store.commit(store.batch().putMetaLong("sessionSeed", 77).putMetaLong("", -3).setLastZxid(9), false);
        assertThat(store.metaLong("sessionSeed", 0)).isEqualTo(77);
        assertThat(store.metaLong("", 0)).isEqualTo(-3);
        assertThat(store.metaLong("lastZxid", -1)).isEqualTo(-1);
        reopen();
        assertThat(store.metaLong("sessionSeed", 0)).isEqualTo(77);
        assertThat(store.lastZxid()).isEqualTo(9);
    }

    @Test
    void aclInterningVisibleAfterCommitAndAcrossReopen() {
        ZnodeStore.Batch b = store.batch().putAcl(1, OPEN).putAcl(2, CREATOR);
        assertThat(store.aclId(OPEN)).isEqualTo(-1);           // not before commit
        assertThat(store.acl(1)).isNull();
        store.commit(b, false);
        assertThat(store.aclId(OPEN)).isEqualTo(1);
        assertThat(store.aclId(new ArrayList<>(List.of(new ACL(31, new Id("world", "anyone")))))).isEqualTo(1);
        assertThat(store.aclId(CREATOR)).isEqualTo(2);
        assertThat(store.aclId(List.of(CREATOR.get(1), CREATOR.get(0)))).isEqualTo(-1);   // order matters
        assertThat(store.aclId(READ_ONLY)).isEqualTo(-1);
        assertThat(store.acl(2)).isEqualTo(CREATOR);
        assertThat(store.maxAclId()).isEqualTo(2);

        store.commit(store.batch().putAcl(5, READ_ONLY), false);
        assertThat(store.maxAclId()).isEqualTo(5);
        reopen();
        assertThat(store.acl(1)).isEqualTo(OPEN);
        assertThat(store.acl(2)).isEqualTo(CREATOR);
        assertThat(store.acl(5)).isEqualTo(READ_ONLY);
        assertThat(store.aclId(READ_ONLY)).isEqualTo(5);
        assertThat(store.aclId(OPEN)).isEqualTo(1);
        assertThat(store.maxAclId()).isEqualTo(5);
    }

    @Test
    void equalAclListsShareTheFirstId() {
        store.commit(store.batch().putAcl(3, OPEN), false);
        store.commit(store.batch().putAcl(4, List.of(new ACL(31, new Id("world", "anyone")))), false);
        assertThat(store.aclId(OPEN)).isEqualTo(3);
        assertThat(store.acl(4)).isEqualTo(OPEN);
        reopen();
        assertThat(store.aclId(OPEN)).isEqualTo(3);
    }

    @Test
    void internedAclIsACopy() {
        ACL mutable = new ACL(31, new Id("world", "anyone"));
        store.commit(store.batch().putAcl(1, new ArrayList<>(List.of(mutable))), false);
        mutable.setPerms(1);
        assertThat(store.acl(1)).isEqualTo(OPEN);
        assertThat(store.aclId(OPEN)).isEqualTo(1);
    }

    @Test
    void batchIsCommittedOnceAndBelongsToItsStore() {
        ZnodeStore.Batch b = store.batch().putMeta("/a", meta(1));
        assertThat(b.isEmpty()).isFalse();
        store.commit(b, false);
        assertThatThrownBy(() -> b.putMeta("/b", meta(1))).isInstanceOf(IllegalStateException.class);
        try (RocksZnodeStore other = RocksZnodeStore.open(dir.resolve("other"))) {
            assertThatThrownBy(() -> store.commit(other.batch(), false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        store.commit(store.batch(), true);                        // empty + sync: a WAL sync, no error
    }

    @Test
    void secondOpenOfALockedStoreFailsNamingTheDirectory() {
        Path db = dir.resolve("db");
        assertThatThrownBy(() -> RocksZnodeStore.open(db))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("lock");
    }

    @Test
    void openFailsOnAFileInsteadOfADirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> RocksZnodeStore.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void callsAfterCloseFailCleanly() {
        store.close();
        assertThatThrownBy(() -> store.meta("/")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.commit(store.batch().putMetaLong("a", 1), false))
                .isInstanceOf(IllegalStateException.class);
        store.close();                                             // idempotent
        store = RocksZnodeStore.open(dir.resolve("db"));
    }

    @Test
    void readsFromManyThreadsWhileOneThreadCommits() throws Exception {
        create("/", "/r");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    store.commit(store.batch().putMeta("/r/n" + i, meta(i)).putData("/r/n" + i, new byte[i % 7])
                            .putMeta("/r", meta(1).withChildCreated(i)).setLastZxid(i + 1), false);
                }
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    while (!writer.isDone()) {
                        long zxid = store.lastZxid();
                        int children = store.children("/r").size();
                        // Every batch committed before lastZxid was read is visible.
                        assertThat(children).isGreaterThanOrEqualTo((int) zxid);
                        assertThat(store.descendantCount("/r")).isGreaterThanOrEqualTo(children);
                    }
                }));
            }
            writer.get(30, TimeUnit.SECONDS);
            for (Future<?> r : readers) {
                r.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.children("/r")).hasSize(300);
        assertThat(store.lastZxid()).isEqualTo(300);
    }

    @Test
    void smallBlockCacheOptionsWork() {
        try (RocksZnodeStore small = RocksZnodeStore.open(dir.resolve("small"),
                StoreOptions.defaults().withBlockCacheBytes(1 << 20))) {
            small.commit(small.batch().putMeta("/x", meta(1)), true);
            assertThat(small.meta("/x")).isEqualTo(meta(1));
        }
        assertThatThrownBy(() -> StoreOptions.defaults().withBlockCacheBytes(10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metadataReadsFollowEveryCommitThroughTheCache() {
        assertThat(store.meta("/c")).isNull();                 // cached as absent
        store.commit(store.batch().putMeta("/c", meta(5)), false);
        assertThat(store.meta("/c")).isEqualTo(meta(5));
        store.commit(store.batch().putMeta("/c", meta(6)), false);
        assertThat(store.meta("/c")).isEqualTo(meta(6));
        store.commit(store.batch().deleteNode("/c"), false);
        assertThat(store.meta("/c")).isNull();
        ZnodeStore.Batch abandoned = store.batch().putMeta("/c", meta(7));
        assertThat(abandoned.isEmpty()).isFalse();
        assertThat(store.meta("/c")).as("an uncommitted batch is not visible").isNull();
        reopen();
        assertThat(store.meta("/c")).isNull();
    }

    @Test
    void concurrentReadersNeverCacheAValueOlderThanTheLastCommit() throws Exception {
        store.commit(store.batch().putMeta("/hot", meta(1)), false);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> running = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int r = 0; r < 2; r++) {
                running.add(readers.submit(() -> {
                    while (!stop.get()) {
                        store.meta("/hot");
                    }
                }));
            }
            for (long z = 2; z <= 2000; z++) {
                store.commit(store.batch().putMeta("/hot", meta(z)), false);
                assertThat(store.meta("/hot").mzxid()).isEqualTo(z);
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(store.meta("/hot").mzxid()).isEqualTo(2000);
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void theMetadataCacheStaysBounded() {
        System.setProperty("corral.metaCacheEntries", "100");
        try {
            reopen();
            ZnodeStore.Batch b = store.batch();
            for (int i = 0; i < 1000; i++) {
                b.putMeta("/n" + i, meta(i + 1));
            }
            store.commit(b, false);
            for (int i = 0; i < 1000; i++) {
                assertThat(store.meta("/n" + i).mzxid()).isEqualTo(i + 1);
            }
            assertThat(store.metaCacheSize()).isBetween(1, 100);
        } finally {
            System.clearProperty("corral.metaCacheEntries");
        }
    }
}
