package dev.corral.server.pipeline;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.TreeApplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's ContainerManager: deletes containers that have had children and have none left, and TTL nodes
 * without children whose last change is older than their TTL. Runs every {@code znode.container.checkIntervalMs}
 * (ZooKeeper's property and default, 60 s), at most {@code znode.container.maxPerMinute} deletions a minute.
 */
final class ContainerSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerSweeper.class);

    private final ServerContext ctx;
    private final long intervalMs = Long.getLong("znode.container.checkIntervalMs", 60_000L);
    private final int maxPerRun = Math.max(1, (int) (Integer.getInteger("znode.container.maxPerMinute", 10_000)
            * intervalMs / 60_000L));
    private long nextRunMs;

    ContainerSweeper(ServerContext ctx, long nowMs) {
        this.ctx = ctx;
        this.nextRunMs = nowMs + intervalMs;
    }

    long nextRunMs() {
        return nextRunMs;
    }

    /** Runs the sweep if it is due; {@code delete} deletes one swept node as a write (the write path's). */
    void maybeRun(long nowMs, java.util.function.Consumer<String> delete) {
        if (nowMs < nextRunMs) {
            return;
        }
        nextRunMs = nowMs + intervalMs;
        int deleted = 0;
        long wallNow = System.currentTimeMillis();
        for (String path : ctx.view().ephemerals(TreeApplier.CONTAINER_INDEX)) {
            NodeMeta meta = ctx.view().meta(path);
            if (deleted < maxPerRun && meta != null && meta.cversion() > 0 && meta.numChildren() == 0) {
                delete.accept(path);
                deleted++;
            }
        }
        for (String path : ctx.view().ephemerals(TreeApplier.TTL_INDEX)) {
            NodeMeta meta = ctx.view().meta(path);
            if (deleted < maxPerRun && meta != null && meta.numChildren() == 0
                    && wallNow - meta.mtime() > meta.ttlMs()) {
                delete.accept(path);
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.debug("deleted {} empty containers and expired TTL nodes", deleted);
        }
    }
}
