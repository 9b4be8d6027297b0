package dev.corral.server;

import dev.corral.server.admin.AdminServer;
import dev.corral.server.monitor.Membership;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.sasl.SaslLogin;
import dev.corral.server.metrics.MetricsServer;
import dev.corral.server.replication.PeerStatus;
import dev.corral.server.ensemble.EnsembleMember;
import dev.corral.server.ensemble.MyId;
import dev.corral.server.storage.ReplaceableStore;
import dev.corral.server.net.ClientServer;
import dev.corral.server.pipeline.RequestProcessor;
import dev.corral.server.pipeline.StandaloneWritePath;
import dev.corral.server.storage.StoreOptions;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.server.tree.ZnodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Corral server: the store, the request processor with the write path of its mode (standalone, or an
 * ensemble member's), and the client port.
 */
public final class CorralServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CorralServer.class);

    private final ZnodeStore store;
    private final RequestProcessor processor;
    private final ClientServer clients;

    private final EnsembleMember member;
    private final AdminServer admin;
    private final MetricsServer metrics;

    private CorralServer(ZnodeStore store, RequestProcessor processor, ClientServer clients, EnsembleMember member,
                         AdminServer admin, MetricsServer metrics) {
        this.member = member;
        this.admin = admin;
        this.metrics = metrics;
        this.store = store;
        this.processor = processor;
        this.clients = clients;
    }

    /** An embedded server (tests): a fatal replication error stops it serving but leaves the JVM up. */
    public static CorralServer start(ServerConfig config) throws Exception {
        return start(config, false);
    }

    /** {@code exitOnFatal}: the server process exits on a replication error it cannot continue from (Main). */
    public static CorralServer start(ServerConfig config, boolean exitOnFatal) throws Exception {
        // The JAAS login first: a SASL set-up that cannot work stops start-up before anything is opened.
        SaslLogin sasl = SaslLogin.open(config.sasl());
        Path dir = config.dataDir().resolve("tree");
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        ZnodeStore store;
        RequestProcessor processor;
        EnsembleMember member = null;
        if (config.servers().isEmpty()) {
            // Replaceable so that the AdminServer's restore can swap the tree; with RocksDB's write-ahead log.
            store = new ReplaceableStore(dir, StoreOptions.defaults());
            TreeBootstrap.ensure(store);
            processor = new RequestProcessor(config, store, StandaloneWritePath::new, sasl);
        } else {
            int myId = MyId.read(config);
            ReplaceableStore replaceable = new ReplaceableStore(dir);
            store = replaceable;
            TreeBootstrap.ensure(store);
            member = new EnsembleMember(config, myId, replaceable, exitOnFatal);
            processor = new RequestProcessor(config, store, member.writePaths(), sasl);
            member.start(processor);
        }
        processor.start();
        ClientServer clients = null;
        AdminServer admin = null;
        MetricsServer metrics = null;
        try {
            clients = new ClientServer(config, processor);
            if (config.monitoring().adminEnabled()) {
                admin = startAdmin(config, clients::port, processor, membership(config, member));
            }
            if (config.monitoring().metricsEnabled()) {
                metrics = new MetricsServer(config.monitoring(), processor, membership(config, member));
            }
        } catch (Exception e) {
            if (admin != null) {
                admin.close();
            }
            if (clients != null) {
                clients.close();
            }
            if (member != null) {
                member.close();
            }
            processor.close();
            store.close();
            throw e;
        }
        LOG.info("Corral serving clients on port {}, TLS port {} (data {}, last zxid 0x{}, started in {} ms)",
                clients.port(), clients.securePort(), config.dataDir(), Long.toHexString(store.lastZxid()),
                (System.nanoTime() - t0) / 1_000_000);
        return new CorralServer(store, processor, clients, member, admin, metrics);
    }

    /**
     * The AdminServer, or null if it cannot start: as ZooKeeper does ("Problem starting AdminServer"), a port that is
     * taken costs the admin commands, not the server.
     */
    private static AdminServer startAdmin(ServerConfig config, java.util.function.IntSupplier clientPort,
                                          RequestProcessor processor, Membership membership)
            throws InterruptedException {
        try {
            return new AdminServer(config, clientPort, processor, membership);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // A taken port comes as a java.net.BindException, which Netty throws undeclared.
            LOG.error("Problem starting AdminServer on {}:{} ({}); serving clients without it (set admin.serverPort,"
                    + " or admin.enableServer=false)", config.monitoring().adminAddress(),
                    config.monitoring().adminPort(), e.toString());
            return null;
        }
    }

    private static Membership membership(ServerConfig config, EnsembleMember member) {
        if (member == null) {
            return null;
        }
        return new Membership() {
            @Override
            public int myId() {
                return member.myId();
            }

            @Override
            public PeerStatus status() {
                return member.peerStatus();
            }

            @Override
            public Map<Integer, String> servers() {
                return config.servers();
            }

            @Override
            public Map<String, Long> zabCounters() {
                return member.zabCounters();
            }

            @Override
            public int voterCount() {
                return config.servers().size() - config.peerRoles().observers().size();
            }
        };
    }

    /** The /metrics port, or -1 without the Prometheus metrics provider. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** The AdminServer's port, or -1 when admin.enableServer is false. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** The plain client port, or -1 if there is none (only secureClientPort is set). */
    public int port() {
        return clients.port();
    }

    /** The TLS-only client port, or -1 if there is none. */
    public int securePort() {
        return clients.securePort();
    }

    /** The globalOutstandingLimit of the client ports. */
    public dev.corral.server.net.RequestThrottle throttle() {
        return clients.throttle();
    }

    public RequestProcessor processor() {
        return processor;
    }

    /** The ensemble membership, or null for a standalone server. */
    public EnsembleMember member() {
        return member;
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        if (admin != null) {
            admin.close();
        }
        clients.close();
        if (member != null) {
            member.close();
        }
        processor.close();
        store.close();
    }
}
