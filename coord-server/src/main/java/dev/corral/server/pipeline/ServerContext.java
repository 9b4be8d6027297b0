package dev.corral.server.pipeline;

import dev.corral.server.config.ServerConfig;
import dev.corral.server.session.SessionTable;
import dev.corral.server.tree.PendingTree;
import dev.corral.server.tree.TreeApplier;
import dev.corral.server.tree.TxnPreparer;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.watch.WatchManager;
import java.util.HashMap;
import java.util.Map;

/** The state the request processor thread owns, shared by its handlers. */
final class ServerContext {
    final ServerConfig config;
    final ZnodeStore store;
    /** The store plus the changes of the txn being built; everything reads and writes through it. */
    final PendingTree view;
    final TreeApplier applier;
    final TxnPreparer preparer;
    final WatchManager watches = new WatchManager();
    final SessionTable sessions;
    final Outbox outbox = new Outbox();
    /** The connection each session is currently bound to. */
    final Map<Long, ClientConnection> owners = new HashMap<>();
    long lastZxid;
    /** Requests received and their latency, for srvr, stat and mntr. */
    long received;
    long minLatency = Long.MAX_VALUE;
    long maxLatency;
    long totalLatency;
    long latencyCount;
    final long startedMs = System.currentTimeMillis();
    /** True once this round wrote something that must be fsynced before the outbox goes out. */
    boolean dirty;

    ServerContext(ServerConfig config, ZnodeStore store, SessionTable sessions) {
        this.config = config;
        this.store = store;
        this.view = new PendingTree(store);
        this.applier = new TreeApplier(view);
        this.preparer = new TxnPreparer(view, config.extendedTypesEnabled());
        this.sessions = sessions;
        this.lastZxid = store.lastZxid();
    }
}
