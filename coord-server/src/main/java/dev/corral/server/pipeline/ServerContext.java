package dev.corral.server.pipeline;

import dev.corral.server.acl.AuthSchemes;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.session.SessionTable;
import dev.corral.server.tree.PendingTree;
import dev.corral.server.tree.TreeApplier;
import dev.corral.server.tree.TxnPreparer;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.watch.WatchManager;

/**
 * The state the request processor thread owns, as a few owned objects: the tree (store and the view every request
 * reads and writes through), the watch and session tables, the session bindings, the zxid clock, the outbox. Handed
 * to the write path when the processor is built; used only on the processor thread.
 */
public final class ServerContext {
    private final ServerConfig config;
    private final AuthSchemes authSchemes;
    private final ZnodeStore store;
    private final PendingTree view;
    private final TreeApplier applier;
    private final TxnPreparer preparer;
    private final WatchManager watches = new WatchManager();
    private final SessionTable sessions;
    private final Outbox outbox = new Outbox();
    private final SessionBindings bindings = new SessionBindings();
    private final ZxidClock zxids;
    private final RequestStats stats = new RequestStats();
    private final StageStats stages = new StageStats();
    private final dev.corral.server.reconfig.ConfigKeeper reconfig;

    ServerContext(ServerConfig config, ZnodeStore store, SessionTable sessions) {
        this.config = config;
        this.store = store;
        this.view = new PendingTree(store);
        this.applier = new TreeApplier(view);
        this.authSchemes = new AuthSchemes(config.clientTls().x509Enabled(), config.sasl().saslScheme(),
                config.sasl().letAnySaslUserDoX(), config.acl().skipAcl());
        this.preparer = new TxnPreparer(view, config.extendedTypesEnabled(), authSchemes);
        this.sessions = sessions;
        this.reconfig = new dev.corral.server.reconfig.ConfigKeeper(config);
        this.zxids = new ZxidClock(store.lastZxid());
    }

    public ServerConfig config() {
        return config;
    }

    /** The ACL schemes this server has providers for (what ACLs may name and how ids match them). */
    public AuthSchemes authSchemes() {
        return authSchemes;
    }

    /** The store of record (reached directly only to flush or replace it; everything else goes through the view). */
    /** The ensemble's configuration ({@code /zookeeper/config}) and the reconfig requests made against it. */
    public dev.corral.server.reconfig.ConfigKeeper reconfig() {
        return reconfig;
    }

    public ZnodeStore store() {
        return store;
    }

    /** The store plus the changes of the txn being built; every request reads and writes through it. */
    public PendingTree view() {
        return view;
    }

    public TreeApplier applier() {
        return applier;
    }

    public TxnPreparer preparer() {
        return preparer;
    }

    public WatchManager watches() {
        return watches;
    }

    public SessionTable sessions() {
        return sessions;
    }

    public Outbox outbox() {
        return outbox;
    }

    public SessionBindings bindings() {
        return bindings;
    }

    public ZxidClock zxids() {
        return zxids;
    }

    RequestStats stats() {
        return stats;
    }

    /**
     * A write's reply is queued now, the write being durable (an ensemble's commit): mntr's updatelatency from its
     * arrival, {@code receivedNanos}.
     */
    public void writeAnswered(long receivedNanos) {
        stages.updateLatency.add((System.nanoTime() - receivedNanos) / 1_000_000L);
    }

    StageStats stages() {
        return stages;
    }
}
