package dev.corral.server.ensemble;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.PeerRoles;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.lifecycle.FatalStop;
import dev.corral.server.pipeline.RequestProcessor;
import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.pipeline.Sessions;
import dev.corral.server.pipeline.WritePath;
import dev.corral.server.replication.PeerAddresses;
import dev.corral.server.replication.PeerStatus;
import dev.corral.server.replication.QuorumTls;
import dev.corral.server.replication.QuorumTransport;
import dev.corral.server.replication.RoleListener;
import dev.corral.server.replication.SnapshotSink;
import dev.corral.server.replication.SnapshotSource;
import dev.corral.server.replication.ZabDriver;
import dev.corral.server.storage.ReplaceableStore;
import dev.corral.server.storage.ZabLogStore;
import dev.corral.zab.MajorityQuorum;
import dev.corral.zab.ZabConfig;
import dev.corral.zab.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins one server to its ensemble: the ZAB log, the quorum transport and the driver on one side, the request
 * processor and its {@link ReplicatedWritePath} on the other. What the driver reports on its own threads (commits,
 * host frames, role changes) is handed to the write path as events on the processor thread.
 */
public final class EnsembleMember implements Replication, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleMember.class);

    private final int myId;
    private final ZabLogStore log;
    private final QuorumTransport transport;
    private final ZabDriver driver;
    private final ReplaceableStore store;
    private final Path snapshots;
    private final AtomicInteger snapshotSeq = new AtomicInteger();
    private volatile RequestProcessor processor;
    private volatile ReplicatedWritePath writePath;

    /** The exit code of a member process that stops on a replication error it cannot continue from. */
    public static final int FATAL_EXIT = FatalStop.EXIT_CODE;

    /**
     * {@code exitOnFatal}: a server process exits when replication stops on an error it cannot continue from (a full
     * disk, a failed write), as ZooKeeper does, so that its supervisor restarts it once the cause is gone; an
     * embedded member (tests) stops serving and stays up.
     */
    public EnsembleMember(ServerConfig config, int myId, ReplaceableStore store, boolean exitOnFatal)
            throws IOException, ConfigException {
        this.myId = myId;
        this.store = store;
        this.snapshots = Files.createDirectories(config.dataDir().resolve("snapshots"));
        this.log = ZabLogStore.open(config.dataLogDir().resolve("zablog"));
        this.transport = new QuorumTransport(myId, PeerAddresses.quorumAddresses(config.servers()),
                Files.createDirectories(config.dataDir().resolve("snapshot-inbox")), QuorumTransport.Options.defaults(),
                QuorumTls.of(config.quorumTls()));
        transport.setHostFrameHandler((from, payload) ->
                processor.event(() -> writePath.onPeerFrame(from, payload, nowMs())));
        // The core counts time in ticks: finer ticks than tickTime make an election decide and re-send votes
        // within a fraction of tickTime (see ZAB_TICK_MS); the limits stay the same in wall time.
        int ticksPerTick = Math.max(1, (config.tickTime() + ZAB_TICK_MS - 1) / ZAB_TICK_MS);
        int zabTickMs = Math.max(1, config.tickTime() / ticksPerTick);
        ZabConfig zab = new ZabConfig(myId, quorum(config, myId),
                config.initLimit() * ticksPerTick, config.syncLimit() * ticksPerTick, MAX_BATCH,
                EnvelopeConfigDecoder.INSTANCE);
        RoleListener roles = new RoleListener() {
            @Override
            public void onStatus(PeerStatus s) {
                processor.event(() -> {
                    writePath.onStatus(s, nowMs());
                    configuration.established(s);
                });
            }

            @Override
            public void onFatal(Throwable error) {
                if (exitOnFatal) {
                    // Staying up would keep a member that never serves again, even once the disk has room: a
                    // full disk took members out for good in the fault campaign (disk-full nemesis).
                    FatalStop.halt("server " + myId + ": replication stopped on an error it cannot continue from",
                            error);
                }
                LOG.error("server {}: replication stopped; this server stops serving", myId, error);
                processor.event(() -> writePath.onStatus(PeerStatus.STARTING, nowMs()));
            }
        };
        SnapshotSource source = this::checkpoint;
        SnapshotSink sink = this::install;
        this.driver = new ZabDriver(zab, zabTickMs, log, transport, store.lastZxid(),
                new ZabDriver.Host(this::committed, roles, source, sink));
    }

    /**
     * The voters and the members. As in ZooKeeper, the server list says who observes: a {@code peerType} that
     * disagrees with this server's {@code server.N} line is overruled, with ZooKeeper's warning.
     */
    private static MajorityQuorum quorum(ServerConfig config, int myId) {
        PeerRoles roles = config.peerRoles();
        boolean listed = roles.isObserver(myId);
        if (listed != roles.peerTypeObserver()) {
            LOG.warn("Peer type from servers list ({}) doesn't match peerType ({}). Defaulting to servers list.",
                    listed ? "OBSERVER" : "PARTICIPANT", roles.peerTypeObserver() ? "OBSERVER" : "PARTICIPANT");
        }
        Set<Integer> voters = new TreeSet<>(config.servers().keySet());
        voters.removeAll(roles.observers());
        return new MajorityQuorum(voters, config.servers().keySet());
    }

    /**
     * The longest ZAB tick: tickTime is cut into whole ticks of at most this. An election that has a quorum but not
     * every vote waits one ZAB tick for a better vote (ZooKeeper's finalizeWait is 200 ms) and lost votes are re-sent
     * every ZAB tick; at one tick per tickTime (2 s by default) a leader failover took seconds longer than
     * ZooKeeper's. Much shorter would let an election decide before a peer starting beside it is heard. The
     * leader's pings go out every ZAB tick too (ZooKeeper: every half tickTime).
     */
    static final int ZAB_TICK_MS = 200;

    /** Most txns per DIFF proposal message (zab-core's default). */
    private static final int MAX_BATCH = 1000;

    /** The ensemble's configuration as this member keeps it ({@code /zookeeper/config}); processor thread. */
    private MemberConfiguration configuration;

    /**
     * Log trims: every {@code corral.logTrimInterval} committed txns (ZooKeeper's snapCount plays the same part), and
     * once commits pause for a second (at most one such trim per 5 s): see {@link TrimSchedule}.
     */
    private final TrimSchedule trims = new TrimSchedule(Long.getLong("corral.logTrimInterval", 10_000L),
            TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(5), System.nanoTime());
    private final ScheduledExecutorService idleTrims = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "corral-idle-trim");
        t.setDaemon(true);
        return t;
    });

    private static long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }

    /** The request processor's write path for this member (the processor builds it through this factory). */
    public WritePath.Factory writePaths() {
        return (ServerContext ctx, Sessions sessions) -> {
            configuration = new MemberConfiguration(ctx, myId, driver);
            writePath = new ReplicatedWritePath(ctx, sessions, this);
            return writePath;
        };
    }

    private void committed(dev.corral.zab.Txn txn) {
        long zxid = txn.zxid().counter();
        byte[] payload = txn.payload();
        processor.event(() -> writePath.onCommitted(zxid, payload, nowMs()));
        if (trims.committed(System.nanoTime())) {
            trim();
        }
    }

    /**
     * Behind the commits in the processor's queue: makes the tree durable up to what it applied (a flush: it has no
     * WAL), then lets the log forget that prefix, so disk use stays bounded under a steady write load. The log keeps
     * everything above the tree's last flush, which a restart re-applies.
     */
    private void trim() {
        processor.execute(() -> {
            // The driver applies entries once written, before their fsync: sync the log first, so that the tree is
            // never durable ahead of it.
            log.sync();
            store.commit(store.batch(), true);
            driver.compact(store.lastZxid());
        });
    }

    /** Connects the processor (which needs this object first) and starts replicating. */
    public void start(RequestProcessor requestProcessor) throws IOException {
        this.processor = requestProcessor;
        driver.start();
        idleTrims.scheduleWithFixedDelay(() -> {
            if (trims.idle(System.nanoTime())) {
                trim();
            }
        }, 250, 250, TimeUnit.MILLISECONDS);
    }

    private Path checkpoint(Zxid at) throws IOException {
        Path dir = snapshots.resolve("out-" + at.counter() + "-" + snapshotSeq.incrementAndGet());
        try {
            // Queued behind every commit handed over so far, so the copy holds exactly the txns up to `at`.
            processor.onProcessorThread(() -> {
                store.checkpoint(dir);
                return null;
            });
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("checkpoint at " + at + " failed", e);
        }
        return dir;
    }

    private void install(Zxid at, Path dir) throws IOException {
        try {
            processor.replaceStore(() -> store.replaceWith(dir));
            processor.event(() -> {
                configuration.storeReplaced(transport);
                writePath.onStoreReplaced();
            });
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("installing the snapshot at " + at + " failed", e);
        }
        LOG.info("server {}: installed a snapshot at zxid 0x{}", myId, Long.toHexString(at.counter()));
    }

    @Override
    public int myId() {
        return myId;
    }

    @Override
    public void propose(byte[] payload) {
        driver.propose(payload).whenComplete((zxid, error) -> {
            if (error != null) {
                LOG.debug("server {}: proposal not accepted: {}", myId, error.toString());
            }
        });
    }

    @Override
    public void proposeReconfig(byte[] payload,
                                java.util.function.Function<dev.corral.zab.ReconfigRefusedException.Reason, byte[]> refused) {
        driver.proposeReconfig(payload, refused).whenComplete((zxid, error) -> {
            if (error != null) {
                LOG.info("server {}: config change not accepted: {}", myId, error.toString());
            }
        });
    }

    @Override
    public boolean isMember() {
        return driver.isMember();
    }

    @Override
    public void configurationCommitted(long version, String serverLines) {
        configuration.committed(version, serverLines, transport);
    }

    @Override
    public void readIndex(java.util.function.LongConsumer onIndex) {
        driver.readIndex().thenAccept(index -> processor.event(() -> onIndex.accept(index.counter())));
    }

    @Override
    public boolean send(int peer, byte[] frame) {
        return transport.sendHost(peer, frame);
    }

    /** The counter up to which the ZAB log has been trimmed (0 if never). */
    public long logBase() {
        return log.base().counter();
    }

    /**
     * How many records the leader's speculative view holds for txns in flight (0 on a follower, and on a leader
     * with nothing in flight). Asked on the processor thread; for tests and diagnostics.
     */
    public int speculativeRecords() throws InterruptedException, ExecutionException {
        return processor.onProcessorThread(writePath::speculativeRecords);
    }

    /** The driver's counters for /metrics: log writes (each ends in one fsync), commits, snapshots. */
    public java.util.Map<String, Long> zabCounters() {
        ZabDriver.Stats s = driver.stats();
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("zab_log_fsyncs", s.persists());
        m.put("zab_committed", s.committed());
        m.put("zab_snapshots_sent", s.snapshotsSent());
        m.put("zab_snapshots_installed", s.snapshotsInstalled());
        var logFigures = log.figures();
        m.put("zab_log_bytes", logFigures.bytesWritten());
        m.put("zab_log_syncs", logFigures.fsyncs());
        m.put("zab_log_sync_time_ms", logFigures.fsyncNanos() / 1_000_000);
        return m;
    }

    @Override
    public java.util.concurrent.CompletableFuture<String> leadership(boolean yield) {
        // As ClickHouse Keeper's rqld and ydld: asking the leader to lead, or a follower to yield, is already done.
        PeerStatus s = driver.status();
        if (yield) {
            return "follower".equals(s.mode()) ? java.util.concurrent.CompletableFuture.completedFuture(null)
                    : driver.yieldLeadership();
        }
        return s.canPropose() ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : driver.transferLeadership(myId);
    }

    @Override
    public java.util.Map<String, Object> leaderFields() {
        ZabDriver.LeaderFigures f = driver.leaderFigures();
        if (f == null) {
            return java.util.Map.of();
        }
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("learners", (long) f.learners());
        m.put("synced_followers", (long) f.syncedFollowers());
        // Non-voting followers exist in ZooKeeper only while a reconfig turns observers into voters (Corral has no
        // reconfig), and sync is a replicated empty txn here: no pending-sync table.
        m.put("synced_non_voting_followers", 0L);
        m.put("synced_observers", (long) f.syncedObservers());
        m.put("pending_syncs", 0L);
        m.put("leader_uptime", f.uptimeMs());
        m.put("last_proposal_size", f.lastProposalSize());
        m.put("max_proposal_size", f.maxProposalSize());
        m.put("min_proposal_size", f.minProposalSize());
        return m;
    }

    public PeerStatus peerStatus() {
        return driver.status();
    }

    @Override
    public void close() {
        idleTrims.shutdownNow();
        driver.close();
        transport.close();
        log.close();
    }
}
