package dev.corral.server.pipeline;

import dev.corral.server.watch.WatchKind;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.util.List;

/** addWatch, checkWatches and removeWatches: the explicit watch requests of ZooKeeper 3.6+. */
final class WatchOps {
    /** WatcherType codes as they travel in CheckWatchesRequest / RemoveWatchesRequest. */
    private static final int CHILDREN = 1;
    private static final int DATA = 2;
    private static final int ANY = 3;
    private static final int PERSISTENT = 4;
    private static final int PERSISTENT_RECURSIVE = 5;

    private final ServerContext ctx;

    WatchOps(ServerContext ctx) {
        this.ctx = ctx;
    }

    /** addWatch: mode 0 persistent, 1 persistent recursive (AddWatchMode). */
    void add(ClientConnection conn, String path, int mode) throws KeeperError {
        WatchKind kind = switch (mode) {
            case 0 -> WatchKind.PERSISTENT;
            case 1 -> WatchKind.PERSISTENT_RECURSIVE;
            // ZooKeeper fails to map an unknown mode and answers MARSHALLINGERROR.
            default -> throw new KeeperError(ErrorCode.MARSHALLING_ERROR);
        };
        ctx.watches().add(path, conn, kind);
    }

    void check(ClientConnection conn, String path, int type) throws KeeperError {
        for (WatchKind kind : kinds(type)) {
            if (ctx.watches().has(path, conn, kind)) {
                return;
            }
        }
        throw new KeeperError(ErrorCode.NO_WATCHER);
    }

    void remove(ClientConnection conn, String path, int type) throws KeeperError {
        boolean removed = false;
        for (WatchKind kind : kinds(type)) {
            removed |= ctx.watches().remove(path, conn, kind);
        }
        if (!removed) {
            throw new KeeperError(ErrorCode.NO_WATCHER);
        }
    }

    /**
     * Which watches a WatcherType names. As in ZooKeeper, persistent watches sit in both the data and the child
     * tables, so Data and Children also find them.
     */
    private static List<WatchKind> kinds(int type) throws KeeperError {
        return switch (type) {
            case CHILDREN -> List.of(WatchKind.CHILD, WatchKind.PERSISTENT, WatchKind.PERSISTENT_RECURSIVE);
            case DATA -> List.of(WatchKind.DATA, WatchKind.PERSISTENT, WatchKind.PERSISTENT_RECURSIVE);
            case ANY -> List.of(WatchKind.values());
            case PERSISTENT -> List.of(WatchKind.PERSISTENT);
            case PERSISTENT_RECURSIVE -> List.of(WatchKind.PERSISTENT_RECURSIVE);
            default -> throw new KeeperError(ErrorCode.MARSHALLING_ERROR);
        };
    }
}
