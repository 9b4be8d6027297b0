package dev.corral.server.pipeline;

import dev.corral.server.acl.AclRules;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SwappableStore;
import dev.corral.server.tree.TreeArchive;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.KeeperError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The AdminServer's work on the processor's state: a consistent snapshot of the tree, a restore that swaps it, the
 * ACL check of an admin command's identity, and the admin counters. Each runs as a task on the processor thread
 * between requests (a restore loads its upload on the caller's thread first).
 */
public final class AdminTasks {
    private final RequestProcessor processor;
    private final ServerContext ctx;

    AdminTasks(RequestProcessor processor, ServerContext ctx) {
        this.processor = processor;
        this.ctx = ctx;
    }

    /**
     * A consistent snapshot of the tree (Corral's format, {@link TreeArchive}), written on the processor thread
     * between requests: requests wait while it is written (the tree is walked once).
     */
    public CompletableFuture<SnapshotImage> snapshot() {
        CompletableFuture<SnapshotImage> result = new CompletableFuture<>();
        processor.execute(() -> {
            try {
                long t0 = System.nanoTime();
                ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
                TreeArchive.Summary summary = TreeArchive.write(ctx.store(), out);
                ctx.stages().snapshotTime.add((System.nanoTime() - t0) / 1_000_000L);
                result.complete(new SnapshotImage(out.toByteArray(), summary.lastZxid()));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Whether this server's store can be replaced by {@link #restore} (a standalone server's can). */
    public boolean restorable() {
        return ctx.store() instanceof SwappableStore;
    }

    /**
     * Replaces the whole tree with the snapshot in {@code in} (from {@link #snapshot}), as ZooKeeper's restore
     * command: the archive is loaded into a staging store on the calling thread, then swapped in between requests;
     * the sessions become the snapshot's, and a connection whose session is not among them is closed (its client
     * then finds the session expired). Returns the restored last zxid.
     */
    public long restore(InputStream in) throws IOException, InterruptedException, ExecutionException {
        if (!(ctx.store() instanceof SwappableStore swappable)) {
            throw new IllegalStateException("this server's store cannot be replaced");
        }
        long t0 = System.nanoTime();
        ZnodeStore staging = swappable.openStaging();
        try {
            TreeArchive.read(in, staging);
        } catch (IOException | RuntimeException e) {
            swappable.discardStaging(staging);
            throw e;
        }
        processor.replaceStore(() -> swappable.installStaging(staging));
        processor.onProcessorThread(() -> {
            for (ClientConnection conn : List.copyOf(ctx.bindings().all())) {
                if (ctx.sessions().get(conn.sessionId) == null) {
                    ctx.outbox().close(conn);
                }
            }
            ctx.stages().restoreTime.add((System.nanoTime() - t0) / 1_000_000L);
            return null;
        });
        return processor.lastZxid();
    }

    /**
     * Counts an admin event under its mntr name (snapshot_rate_limited_count, restore_error_count, ...), between
     * requests.
     */
    public void countEvent(String name) {
        processor.execute(() -> ctx.stages().count(name));
    }

    /** Which of an admin command's checks a request failed, if any (ZooKeeper's handleAuthorization). */
    public enum Access { GRANTED, NO_NODE, NO_AUTH }

    /**
     * Whether {@code ids} hold every bit of {@code perms} on {@code path}, checked bit by bit against the node's ACL
     * as ZooKeeper checks an admin command's AuthRequest; taken between requests.
     */
    public CompletableFuture<Access> access(List<Id> ids, int perms, String path) {
        CompletableFuture<Access> result = new CompletableFuture<>();
        processor.execute(() -> {
            NodeMeta meta = ctx.view().meta(path);
            if (meta == null) {
                result.complete(Access.NO_NODE);
                return;
            }
            List<ACL> acl = ctx.view().acl(meta.aclId());
            for (int bit = 1; bit <= perms; bit <<= 1) {
                if ((perms & bit) != 0) {
                    try {
                        AclRules.check(acl, bit, ids, ctx.authSchemes());
                    } catch (KeeperError e) {
                        result.complete(Access.NO_AUTH);
                        return;
                    }
                }
            }
            result.complete(Access.GRANTED);
        });
        return result;
    }
}
