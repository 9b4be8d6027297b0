package dev.corral.server.storage;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import dev.corral.server.tree.SwappableStore;
import dev.corral.server.tree.ZnodeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.zookeeper.data.ACL;

/**
 * The tree store of an ensemble member: a RocksZnodeStore whose whole contents can be replaced by a snapshot
 * (SNAP sync) while the server runs. Replacement happens on the request processor thread, between txns.
 *
 * <p>It has no write-ahead log of its own ({@link StoreOptions#writeAheadLog}): the ZAB log holds every txn it
 * applies, so after a crash the member re-applies the log's committed txns above the tree's last flush, and the log
 * is trimmed only up to a flush ({@code EnsembleMember}).
 */
public final class ReplaceableStore implements SwappableStore {
    private final Path dir;
    private final StoreOptions options;
    private volatile RocksZnodeStore current;

    /** An ensemble member's store: no write-ahead log of its own (the ZAB log holds every txn). */
    public ReplaceableStore(Path dir) {
        this(dir, StoreOptions.defaults().withoutWriteAheadLog());
    }

    /** A store with {@code options}: a standalone server's keeps RocksDB's write-ahead log (the defaults). */
    public ReplaceableStore(Path dir, StoreOptions options) {
        this.dir = dir;
        this.options = options;
        this.current = RocksZnodeStore.open(dir, options);
    }

    private Path stagingDir() {
        return dir.resolveSibling(dir.getFileName() + ".staging");
    }

    @Override
    public ZnodeStore openStaging() {
        Dirs.deleteQuietly(stagingDir());
        // Loading is one sequential write of a whole tree: no write-ahead log, the last commit flushes.
        return RocksZnodeStore.open(stagingDir(), StoreOptions.defaults().withoutWriteAheadLog());
    }

    @Override
    public void installStaging(ZnodeStore staging) {
        staging.close();
        replaceWith(stagingDir());
        Dirs.deleteQuietly(stagingDir());
    }

    @Override
    public void discardStaging(ZnodeStore staging) {
        staging.close();
        Dirs.deleteQuietly(stagingDir());
    }

    /** Makes the store a copy of the checkpoint in {@code snapshot} (which is left in place). */
    public void replaceWith(Path snapshot) {
        current.close();
        try {
            Dirs.deleteQuietly(dir);
            Dirs.copy(snapshot, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install snapshot " + snapshot + " into " + dir, e);
        }
        current = RocksZnodeStore.open(dir, options);
    }

    @Override
    public NodeMeta meta(String path) {
        return current.meta(path);
    }

    @Override
    public byte[] data(String path) {
        return current.data(path);
    }

    @Override
    public List<String> children(String path) {
        return current.children(path);
    }

    @Override
    public List<String> childrenAfter(String path, String after, int limit) {
        return current.childrenAfter(path, after, limit);
    }

    @Override
    public long descendantCount(String path) {
        return current.descendantCount(path);
    }

    @Override
    public long approximateDataSize() {
        return current.approximateDataSize();
    }

    @Override
    public long ephemeralCount() {
        return current.ephemeralCount();
    }

    @Override
    public List<ACL> acl(long aclId) {
        return current.acl(aclId);
    }

    @Override
    public long aclId(List<ACL> acl) {
        return current.aclId(acl);
    }

    @Override
    public long maxAclId() {
        return current.maxAclId();
    }

    @Override
    public List<String> ephemerals(long sessionId) {
        return current.ephemerals(sessionId);
    }

    @Override
    public void forEachSession(Consumer<SessionRecord> consumer) {
        current.forEachSession(consumer);
    }

    @Override
    public long lastZxid() {
        return current.lastZxid();
    }

    @Override
    public long metaLong(String key, long dflt) {
        return current.metaLong(key, dflt);
    }

    @Override
    public Batch batch() {
        return current.batch();
    }

    @Override
    public void commit(Batch batch, boolean sync) {
        current.commit(batch, sync);
    }

    @Override
    public void checkpoint(Path target) {
        current.checkpoint(target);
    }

    @Override
    public java.util.Map<String, Long> engineFigures() {
        return current.engineFigures();
    }

    @Override
    public void close() {
        current.close();
    }
}
