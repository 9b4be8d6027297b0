package dev.corral.server.replication;

import dev.corral.server.storage.Dirs;
import dev.corral.server.storage.ZabLogStore;
import dev.corral.zab.DurableState;
import dev.corral.zab.Message;
import dev.corral.zab.MessageCodec;
import dev.corral.zab.NotLeaderException;
import dev.corral.zab.Outbound;
import dev.corral.zab.ReconfigRefusedException;
import dev.corral.zab.Ready;
import dev.corral.zab.Role;
import dev.corral.zab.Txn;
import dev.corral.zab.ZabConfig;
import dev.corral.zab.ZabNode;
import dev.corral.zab.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a peer's {@link ZabNode}. It ticks the node every {@code tickMillis}, steps the messages
 * the {@link QuorumTransport} delivers, proposes what {@link #propose} queued, and handles each {@link Ready} in the
 * order that makes ZAB safe: send the leader broadcast that may go first, write it to the {@link ZabLogStore}, hand
 * its committed txns in order to the {@link CommitListener}, fsync, then send its messages (a {@code Snap} is
 * preceded by the {@link SnapshotSource}'s directory), then {@code advance}.
 *
 * <p>The fsync runs on a second thread while this one goes on stepping messages: what a quorum commits meanwhile is
 * applied at once ({@link ZabNode#takeCommitted}), and a leader's COMMITs go out at once
 * ({@link ZabNode#takeCommitBroadcast}), instead of waiting behind this peer's own fsync of later entries. So a write is
 * visible on every server about when its quorum has it, as with ZooKeeper. A Ready that installs or ships a snapshot
 * is handled start to end here, fsync included, with the commits last. A follower's ACKs leave from the fsync's
 * thread as soon as it ends ({@link #ackFromSyncer}), not after a hand-off back here; when nothing waits in the
 * driver's queue, that thread also goes on with what the fsync's end makes ready ({@link #finishOnSyncer}).
 *
 * <p>Whichever thread works the node holds {@link #lock}: this one, or the fsync's thread at the end of an fsync.
 * Callbacks run holding it, on either thread; they must not block. The driver does not own the transport or the log
 * store: the caller closes them after {@link #close}. See docs/replication.md.
 *
 * <p>Size: this class is the driver thread's whole event loop, and the one place where the order that makes ZAB safe
 * on disk is written (persist, fsync, then send what vouches for it, then hand commits over). Split, that order would
 * be spread over several classes; the event records and figures above are all it holds besides.
 */
public final class ZabDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZabDriver.class);

    /** The host's side of the driver. */
    public record Host(CommitListener commits, RoleListener roles, SnapshotSource snapshotSource,
                       SnapshotSink snapshotSink) {}

    /** Counters for tests and four-letter words. */
    public record Stats(long readies, long persists, long snapshotsSent, long snapshotsInstalled, long committed) {}

    /**
     * What ZooKeeper's mntr prints only on a leader: learners connected and synced, how long it has led (ms), and
     * the sizes of its proposals (bytes; -1 before the first, as ZooKeeper's BufferStats).
     */
    public record LeaderFigures(int learners, int syncedFollowers, long uptimeMs, long lastProposalSize,
                                long minProposalSize, long maxProposalSize, int syncedObservers) {
    }

    private volatile int learners;
    private volatile int syncedFollowers;
    private volatile int syncedObservers;
    /** The learners synced with this leader; recomputed only when a count or the role changes (no set per loop). */
    private volatile java.util.Set<Integer> syncedPeers = java.util.Set.of();
    private dev.corral.zab.Role syncedRole;
    private volatile long leadingSinceNanos;
    private volatile long lastProposalSize = -1;
    private volatile long minProposalSize = -1;
    private volatile long maxProposalSize = -1;

    private sealed interface Event {}

    private record Inbound(int from, Message message) implements Event {}

    private record SnapshotArrived(int from, Zxid at, Path dir) implements Event {}

    private record LinkDown(int peer) implements Event {}

    private record LinkUp(int peer) implements Event {}

    private record Propose(byte[] payload, CompletableFuture<Zxid> result,
                           Function<ReconfigRefusedException.Reason, byte[]> refused) implements Event {}

    private record Compact(long counter, CompletableFuture<Zxid> result) implements Event {}

    /** A leadership hand-over to {@code target}, or a yield when it is negative. */
    private record Transfer(int target, CompletableFuture<String> result) implements Event {}

    private record Stop() implements Event {}

    /** The syncer left a Ready to the driver thread ({@link #deferred}). */
    private record Wake() implements Event {}

    private record ReadIndexAsk(CompletableFuture<Zxid> result) implements Event {}

    /** The fsync of {@code ready} ended; {@code messagesSent}: the syncer sent its messages already. */
    private record Synced(Ready ready, RuntimeException error, boolean messagesSent) implements Event {}

    private record Pending(Zxid zxid, CompletableFuture<Zxid> result) {}

    private final ZabConfig config;
    private final long tickNanos;
    private final ZabLogStore log;
    private final QuorumTransport transport;
    private final Host host;
    private final long appliedAtStart;
    private final int maxProposalBytes;

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Held by whichever thread works the node: the driver thread, or the syncer ({@link #finishOnSyncer}). */
    private final ReentrantLock lock = new ReentrantLock();
    /** A snapshot's Ready the syncer took and left to the driver thread (it waits on the processor), or null. */
    private Ready deferred;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<Zxid>> reads = new HashMap<>();
    private long nextReadId;
    private final Map<Zxid, Path> receivedSnapshots = new HashMap<>();
    private final Thread thread;
    private final ExecutorService syncer;
    private final Runnable logSync;
    /** The Ready written to the log whose fsync runs on the syncer, or null. */
    private Ready syncing;
    private boolean syncDone;
    /** The syncer sent {@link #syncing}'s messages right after its fsync (see {@link #ackFromSyncer}). */
    private boolean syncSent;
    private ZabNode node;
    private volatile PeerStatus status = PeerStatus.STARTING;
    /** False once zab-core says a committed configuration no longer lists this peer. */
    private volatile boolean member = true;
    private volatile Zxid lastCommitted = Zxid.ZERO;
    private volatile Throwable failure;
    private volatile boolean stopped;

    /**
     * Fault injection for process tests: a Ready ends after an UPTODATE, so the leader's COMMIT sent right behind it
     * is applied only after this follower has reported itself active. Each message is its own event, so that order
     * can happen anyway; on loopback it is rare (BridgeExactlyOnceProcessTest uses this to make it certain).
     */
    private static final boolean UP_TO_DATE_ALONE = Boolean.getBoolean("corral.test.upToDateAlone");

    /**
     * Fault injection for process tests: the leader's SYNCED messages are not sent (always safe: they only let a
     * follower commit before the COMMIT comes), so that a follower whose ACKs are cut off commits nothing in that
     * leader's term, as in a five-member ensemble (BridgeExactlyOnceProcessTest).
     */
    private static final boolean NO_SYNCED = Boolean.getBoolean("corral.test.noSynced");

    private final AtomicLong readies = new AtomicLong();
    private final AtomicLong persists = new AtomicLong();
    private final AtomicLong snapshotsSent = new AtomicLong();
    private final AtomicLong snapshotsInstalled = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();

    /**
     * @param config         the node's configuration (id, quorum, initLimit, syncLimit in ticks)
     * @param tickMillis     the tick length (zoo.cfg tickTime)
     * @param log            this peer's ZAB log, opened
     * @param transport      this peer's quorum transport, not yet started (the driver starts it)
     * @param appliedCounter the last counter the host's state machine has durably applied (0 if empty)
     * @param host           the callbacks
     */
    public ZabDriver(ZabConfig config, int tickMillis, ZabLogStore log, QuorumTransport transport,
                     long appliedCounter, Host host) {
        this(config, tickMillis, log, transport, appliedCounter, host, log::sync);
    }

    /** As above, with {@code logSync} making the log's writes durable (tests hold it to model a slow disk). */
    ZabDriver(ZabConfig config, int tickMillis, ZabLogStore log, QuorumTransport transport, long appliedCounter,
              Host host, Runnable logSync) {
        if (transport.myId() != config.myId()) {
            throw new IllegalArgumentException("transport is server " + transport.myId() + ", node " + config.myId());
        }
        this.config = config;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        this.log = log;
        this.transport = transport;
        this.host = host;
        this.appliedAtStart = appliedCounter;
        this.logSync = logSync;
        this.maxProposalBytes = Math.max(1 << 20, QuorumTransport.Options.defaults().maxFrameBytes() / 4);
        this.thread = new Thread(this::run, "zab-driver-" + config.myId());
        this.syncer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zab-log-sync-" + config.myId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Recovers the node from the log (finishing a snapshot install a crash interrupted), empties the snapshot inbox,
     * starts the transport and the driver thread.
     */
    public void start() throws IOException {
        long applied = appliedAtStart;
        ZabLogStore.PendingInstall pi = log.pendingInstall();
        if (pi != null) {
            if (applied < pi.at().counter()) {
                LOG.info("server {}: finishing the snapshot install at {} a crash interrupted", config.myId(), pi.at());
                host.snapshotSink().install(pi.at(), pi.dir());
                applied = pi.at().counter();
            }
            log.clearPendingInstall();
            Dirs.deleteQuietly(pi.dir());
        }
        DurableState state = log.recover(applied);
        node = new ZabNode(config, state);
        lastCommitted = state.appliedZxid();
        LOG.info("server {}: recovered epochs {}/{}, log {}..{}, applied {}", config.myId(), state.acceptedEpoch(),
                state.currentEpoch(), state.snapshotZxid(), log.lastZxid(), state.appliedZxid());
        clearInbox(transport.snapshotInbox());
        transport.setZabHandler(new QuorumTransport.ZabHandler() {
            @Override
            public void onMessage(int from, Message message) {
                if (!stopped) {
                    events.add(new Inbound(from, message));
                }
            }

            @Override
            public void onLinkDown(int peer) {
                if (!stopped) {
                    events.add(new LinkDown(peer));
                }
            }

            @Override
            public void onLinkUp(int peer) {
                if (!stopped) {
                    events.add(new LinkUp(peer));
                }
            }

            @Override
            public void onSnapshot(int from, Zxid at, Path dir) {
                if (stopped) {
                    Dirs.deleteQuietly(dir);
                } else {
                    events.add(new SnapshotArrived(from, at, dir));
                }
            }
        });
        transport.start();
        thread.start();
    }

    // ---------------------------------------------------------------- API (any thread)

    /**
     * Proposes {@code payload}. The future completes with its zxid once it is committed and has been handed to the
     * {@link CommitListener} (on the driver thread, so dependent actions run there unless made async). It fails at
     * once with {@link NotLeaderException} (carrying the leader id, or -1) if this peer is not the established
     * leader, and with {@link ProposalOutcomeUnknownException} if it stops leading before the commit was seen.
     */
    public CompletableFuture<Zxid> propose(byte[] payload) {
        return propose(payload, null);
    }

    /**
     * Proposes a config change ({@link dev.corral.zab.ZabNode#proposeReconfig}); as {@link #propose(byte[])}. If
     * zab-core refuses it for a reason other than lost leadership, {@code refused.apply(reason)} is proposed in its
     * place (the host's error txn), and the future is that proposal's; a reason of null means zab-core cannot
     * change configurations at all.
     */
    public CompletableFuture<Zxid> proposeReconfig(byte[] payload,
                                                   Function<ReconfigRefusedException.Reason, byte[]> refused) {
        return propose(payload, java.util.Objects.requireNonNull(refused));
    }

    private CompletableFuture<Zxid> propose(byte[] payload,
                                            Function<ReconfigRefusedException.Reason, byte[]> refused) {
        long size = payload.length;
        lastProposalSize = size;
        minProposalSize = minProposalSize < 0 ? size : Math.min(minProposalSize, size);
        maxProposalSize = Math.max(maxProposalSize, size);
        PeerStatus s = status;
        if (!s.canPropose() || stopped) {
            return CompletableFuture.failedFuture(new NotLeaderException(stopped ? -1 : s.leaderId()));
        }
        CompletableFuture<Zxid> f = new CompletableFuture<>();
        events.add(new Propose(payload, f, refused));
        return f;
    }

    /**
     * A read index for linearizable reads: completes (on the driver thread) with the commit point of a leader that
     * still led, with a quorum, after this call. Waits across elections while there is no leader; fails only when
     * the driver stops.
     */
    public CompletableFuture<Zxid> readIndex() {
        CompletableFuture<Zxid> f = new CompletableFuture<>();
        if (stopped) {
            f.completeExceptionally(new IllegalStateException("driver stopped"));
        } else {
            events.add(new ReadIndexAsk(f));
        }
        return f;
    }

    /**
     * The host has a durable snapshot (checkpoint) covering everything up to {@code upToCounter} (at most what it has
     * applied): drop that prefix of the log, in memory and on disk. Completes with the new log base on the driver
     * thread; fails if the counter is beyond what has been applied.
     */
    public CompletableFuture<Zxid> compact(long upToCounter) {
        CompletableFuture<Zxid> f = new CompletableFuture<>();
        if (stopped) {
            f.completeExceptionally(new IllegalStateException("driver stopped"));
        } else {
            events.add(new Compact(upToCounter, f));
        }
        return f;
    }

    /** As {@link #compact(long)}, given the zxid. */
    public CompletableFuture<Zxid> compact(Zxid upTo) {
        return compact(upTo.counter());
    }

    /**
     * Asks for leadership to move to {@code target} (see {@link dev.corral.zab.ZabNode#transferLeadership}): on the
     * leader to any synced voting follower, on a follower to itself. Completes with null once the request is made
     * (the hand-over itself follows within about a round trip and an election), or with why it cannot be.
     */
    public CompletableFuture<String> transferLeadership(int target) {
        return transferEvent(target);
    }

    /** The leader hands leadership to its most caught-up synced voting follower; as {@link #transferLeadership}. */
    public CompletableFuture<String> yieldLeadership() {
        return transferEvent(-1);
    }

    private CompletableFuture<String> transferEvent(int target) {
        CompletableFuture<String> f = new CompletableFuture<>();
        if (stopped) {
            f.complete("replication has stopped on this server");
        } else {
            events.add(new Transfer(target, f));
        }
        return f;
    }

    /** The leader's figures, or null while this peer does not lead an established epoch. */
    public LeaderFigures leaderFigures() {
        if (!status.canPropose()) {
            return null;
        }
        return new LeaderFigures(learners, syncedFollowers, (System.nanoTime() - leadingSinceNanos) / 1_000_000,
                lastProposalSize, minProposalSize, maxProposalSize, syncedObservers);
    }

    /** While leading: the ids of the learners synced with this leader (any thread). */
    public java.util.Set<Integer> syncedPeers() {
        return syncedPeers;
    }

    public PeerStatus status() {
        return status;
    }

    /** False once a committed configuration no longer lists this peer (zab-core's isMember); any thread. */
    public boolean isMember() {
        return member;
    }

    /** The last zxid handed to the commit listener. */
    public Zxid lastCommitted() {
        return lastCommitted;
    }

    /** The error that stopped the driver, or null. */
    public Throwable failure() {
        return failure;
    }

    public Stats stats() {
        return new Stats(readies.get(), persists.get(), snapshotsSent.get(), snapshotsInstalled.get(),
                committed.get());
    }

    /** Stops the driver thread (the transport and the log store stay open; close them next). */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        events.add(new Stop());
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- the driver thread

    private void run() {
        try {
            lock.lock();
            try {
                publishStatus();
            } finally {
                lock.unlock();
            }
            long nextTick = System.nanoTime() + tickNanos;
            while (true) {
                long wait = nextTick - System.nanoTime();
                Event e = wait > 0 ? events.poll(wait, TimeUnit.NANOSECONDS) : events.poll();
                lock.lock();
                try {
                    if (stopped) {
                        return;                                 // the syncer failed working the node
                    }
                    // Drain what is queued before making a Ready: one fsync then covers all of it (group commit).
                    int n = 0;
                    while (e != null) {
                        if (e instanceof Stop) {
                            return;
                        }
                        handle(e);
                        boolean alone = UP_TO_DATE_ALONE && e instanceof Inbound in
                                && in.message() instanceof Message.UpToDate;
                        e = ++n < 10_000 && !alone ? events.poll() : null;
                    }
                    long now = System.nanoTime();
                    if (now - nextTick >= 0) {
                        node.tick();
                        nextTick += tickNanos;
                        if (now - nextTick >= 0) {
                            nextTick = now + tickNanos; // far behind (a long fsync or GC): do not burst ticks
                        }
                    }
                    afterSteps();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failed(t);
        } finally {
            lock.lock();
            stopped = true;
            failPending(new ProposalOutcomeUnknownException("the ZAB driver stopped"));
            reads.values().forEach(f -> f.completeExceptionally(new IllegalStateException("driver stopped")));
            reads.clear();
            drainProposals();
            for (Path dir : receivedSnapshots.values()) {
                Dirs.deleteQuietly(dir);
            }
            receivedSnapshots.clear();
            status = new PeerStatus(Role.LOOKING, -1, status.epoch(), false);
            lock.unlock();
            stopSyncer();
        }
    }

    /** What follows stepping the node: its Readies, the confirmed read indexes, the published status. */
    private void afterSteps() throws IOException {
        processReadies();
        for (dev.corral.zab.ReadIndex ri : node.takeConfirmedReads()) {
            CompletableFuture<Zxid> f = reads.remove(ri.id());
            if (f != null) {
                f.complete(ri.index());
            }
        }
        publishStatus();
    }

    private void failed(Throwable t) {
        failure = t;
        LOG.error("server {}: ZAB driver stopped on a fatal error", config.myId(), t);
        try {
            host.roles().onFatal(t);
        } catch (RuntimeException ignored) {
            // already failing
        }
    }

    /**
     * On the syncer, right after an fsync (and its ACKs): handles its end here, as the driver thread would, when
     * nothing waits in the driver's queue and the driver thread is not working the node. A lone write's follower
     * then commits (its own fsync is what it waits for, most of the time), and a leader sends its SYNCED or COMMIT,
     * without a hand-off to the driver thread. With events queued the driver thread takes the end as before, after
     * them, so that under load one Ready (one fsync) still covers all that arrived during the fsync. Handling the end
     * before events that arrive meanwhile is an order that can happen anyway (the fsync could have ended first).
     * Returns false if it left the end to the driver thread.
     */
    private boolean finishOnSyncer(Synced done) {
        if (!events.isEmpty() || !lock.tryLock()) {
            return false;
        }
        try {
            if (stopped) {
                return true;
            }
            handle(done);
            afterSteps();
        } catch (Throwable t) {
            stopped = true;
            failed(t);
            events.add(new Stop());
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** The caller closes the log after {@link #close}: no fsync may still be running then. */
    private void stopSyncer() {
        syncer.shutdown();
        try {
            if (!syncer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("server {}: the ZAB log fsync did not finish in 30 s", config.myId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Event e) {
        if (e instanceof Inbound in) {
            node.step(in.from(), in.message());
        } else if (e instanceof SnapshotArrived s) {
            Path old = receivedSnapshots.put(s.at(), s.dir());
            if (old != null) {
                Dirs.deleteQuietly(old);
            }
        } else if (e instanceof Propose p) {
            if (!node.canPropose()) {
                p.result().completeExceptionally(new NotLeaderException(node.leaderId()));
                return;
            }
            try {
                pending.add(new Pending(proposeNow(p), p.result()));
            } catch (NotLeaderException refused) {
                p.result().completeExceptionally(refused);
            }
        } else if (e instanceof Compact c) {
            compactNow(c);
        } else if (e instanceof Transfer t) {
            String refusal = t.target() < 0 ? node.yieldLeadership() : node.transferLeadership(t.target());
            if (refusal == null) {
                LOG.info("server {}: leadership hand-over {}", config.myId(),
                        t.target() < 0 ? "(yield)" : "to server " + t.target());
            }
            t.result().complete(refusal);
        } else if (e instanceof ReadIndexAsk r) {
            long id = ++nextReadId;
            reads.put(id, r.result());
            node.requestRead(id);
        } else if (e instanceof LinkDown l) {
            node.peerUnreachable(l.peer());
        } else if (e instanceof LinkUp u) {
            node.peerReachable(u.peer());
        } else if (e instanceof Synced s) {
            if (s.error() != null) {
                throw s.error();
            }
            if (s.ready() == syncing) {
                syncDone = true;
                syncSent = s.messagesSent();
            }
        }
    }

    private Zxid proposeNow(Propose p) {
        if (p.refused() == null) {
            return node.propose(p.payload());
        }
        try {
            return node.proposeReconfig(p.payload());
        } catch (UnsupportedOperationException e) {
            // A zab-core without membership changes: the host's answer for "not done" goes in its place.
            LOG.warn("server {}: config changes are not supported by this zab-core", config.myId());
            return node.propose(p.refused().apply(null));
        } catch (ReconfigRefusedException e) {
            if (e.reason() == ReconfigRefusedException.Reason.NOT_LEADER) {
                throw new NotLeaderException(node.leaderId());
            }
            LOG.info("server {}: config change refused: {}", config.myId(), e.reason());
            return node.propose(p.refused().apply(e.reason()));
        }
    }

    private void compactNow(Compact c) {
        try {
            if (c.counter() > lastCommitted.counter()) {
                throw new IllegalArgumentException("compact to " + c.counter() + " beyond applied " + lastCommitted);
            }
            Zxid z = log.zxidAt(c.counter());
            if (z == null) { // at or behind the base already
                c.result().complete(log.base());
                return;
            }
            node.compact(z);
            log.compact(z);
            LOG.debug("server {}: log compacted to {}", config.myId(), z);
            c.result().complete(z);
        } catch (RuntimeException ex) {
            c.result().completeExceptionally(ex);
        }
    }

    private void processReadies() throws IOException {
        while (true) {
            if (deferred != null) {
                if (Thread.currentThread() != thread) {
                    return;
                }
                Ready d = deferred;
                deferred = null;
                readies.incrementAndGet();
                sendAll(d.sendFirst());
                persistInstallAndFinish(d);
                continue;
            }
            if (syncing != null) {
                if (!syncDone) {
                    whileSyncing();
                    return;
                }
                persists.incrementAndGet();
                Ready done = syncing;
                boolean sent = syncSent;
                syncing = null;
                syncDone = false;
                syncSent = false;
                if (sent) {
                    node.advance(done);
                } else {
                    finish(done);
                }
            }
            if (!node.hasReady()) {
                return;
            }
            Ready r = node.ready();
            if (r.appliesAfterMessages() && Thread.currentThread() != thread) {
                // A checkpoint or an install waits on the request processor: the driver thread's work.
                deferred = r;
                events.add(new Wake());
                return;
            }
            readies.incrementAndGet();
            // 0. The leader's broadcast may go ahead of our own fsync, so the followers' fsyncs overlap it.
            sendAll(r.sendFirst());
            if (r.appliesAfterMessages()) {
                persistInstallAndFinish(r);
            } else if (r.mustPersist()) {
                // 1. Written (a process crash keeps it), 2. committed txns applied, 3. the fsync on the syncer.
                log.write(r);
                applyAll(r.committed());
                syncing = r;
                syncer.execute(() -> {
                    Synced done;
                    try {
                        logSync.run();
                        done = new Synced(r, null, ackFromSyncer(r));
                    } catch (RuntimeException e) {
                        events.add(new Synced(r, e, false));
                        return;
                    }
                    if (!finishOnSyncer(done)) {
                        events.add(done);
                    }
                });
            } else {
                applyAll(r.committed());
                finish(r);
            }
        }
    }

    /**
     * On the syncer, right after {@code r}'s fsync: a follower's ACKs leave from here rather than after a hand-off
     * back to the driver thread, which is one thread wake-up less on every write's round trip. Only a Ready whose
     * messages are all ACKs (the follower's steady state): while it syncs the driver sends nothing (see
     * {@link #whileSyncing}), so the transport has one sender at a time and the order of messages stays the Ready's.
     */
    private boolean ackFromSyncer(Ready r) {
        if (r.messages().isEmpty()) {
            return false;
        }
        for (Outbound o : r.messages()) {
            if (!(o.message() instanceof Message.Ack)) {
                return false;
            }
        }
        for (Outbound o : r.messages()) {
            transport.send(o.to(), o.message());
        }
        transport.flush();
        return true;
    }

    /**
     * While the fsync runs: let the leader's broadcast go out, and apply what is committed meanwhile. The COMMIT leaves
     * first (as a Ready's {@code sendFirst} does), so that the followers' apply runs alongside this one rather than
     * after it: a client told of its write by this server may read next through another.
     */
    private void whileSyncing() throws IOException {
        if (syncing.messages().isEmpty()) {
            sendAll(node.takeCommitBroadcast());
        }
        // A follower's read-index messages need no fsync and no order: a read waits for no write's fsync here. They
        // may leave while the syncer sends this Ready's ACKs, so each goes on its own (sendNow), not through flush().
        for (Outbound o : node.takeUnordered()) {
            transport.sendNow(o.to(), o.message());
        }
        applyAll(node.takeCommitted());
    }

    /** A Ready that installs or ships a snapshot: everything in order on this thread, the commits last. */
    private void persistInstallAndFinish(Ready r) throws IOException {
        Path snapshotDir = null;
        if (r.installSnapshot() != null) {
            snapshotDir = receivedSnapshots.remove(r.installSnapshot());
            if (snapshotDir == null) {
                throw new IllegalStateException("told to install a snapshot at " + r.installSnapshot()
                        + " that never arrived");
            }
        }
        if (r.mustPersist()) {
            log.persist(r, snapshotDir);
            persists.incrementAndGet();
        }
        if (snapshotDir != null) {
            host.snapshotSink().install(r.installSnapshot(), snapshotDir);
            log.clearPendingInstall();
            Dirs.deleteQuietly(snapshotDir);
            for (Path stale : receivedSnapshots.values()) {
                Dirs.deleteQuietly(stale);
            }
            receivedSnapshots.clear();
            lastCommitted = r.installSnapshot();
            snapshotsInstalled.incrementAndGet();
            LOG.info("server {}: synced by SNAP at {}", config.myId(), r.installSnapshot());
        }
        sendAll(r.messages());
        applyAll(r.committed());
        node.advance(r);
    }

    /** The Ready is durable: its messages go out, in order, then the node hears it is done. */
    private void finish(Ready r) throws IOException {
        sendAll(r.messages());
        node.advance(r);
    }

    private void sendAll(List<Outbound> messages) throws IOException {
        if (messages.isEmpty()) {
            return;
        }
        for (Outbound o : messages) {
            send(o);
        }
        transport.flush();
        lastEncoded = null;
        lastEncodedBytes = null;
    }

    private void applyAll(List<Txn> txns) {
        for (Txn t : txns) {
            host.commits().onCommit(t);
            lastCommitted = t.zxid();
            committed.incrementAndGet();
            completePending(t);
        }
    }

    private Message lastEncoded;
    private byte[] lastEncodedBytes;

    private void send(Outbound o) throws IOException {
        Message m = o.message();
        if (NO_SYNCED && m instanceof Message.Synced) {
            return;
        }
        if (m instanceof Message.Snap s) {
            Path dir = host.snapshotSource().checkpoint(s.at());
            snapshotsSent.incrementAndGet();
            transport.sendSnapshot(o.to(), s.at(), dir, () -> host.snapshotSource().release(dir));
            transport.send(o.to(), m);
        } else if (m instanceof Message.Proposal p && estimatedBytes(p.txns()) > maxProposalBytes) {
            // One frame per batch must stay under the frame limit: split into consecutive smaller batches.
            List<Txn> batch = new ArrayList<>();
            long bytes = 0;
            for (Txn t : p.txns()) {
                long size = t.payload().length + 32L;
                if (!batch.isEmpty() && bytes + size > maxProposalBytes) {
                    transport.send(o.to(), new Message.Proposal(p.epoch(), batch));
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                batch.add(t);
                bytes += size;
            }
            transport.send(o.to(), new Message.Proposal(p.epoch(), batch));
        } else {
            if (m != lastEncoded) {
                // The leader hands the same Proposal/Commit object to every follower: encode it once.
                lastEncoded = m;
                lastEncodedBytes = MessageCodec.toBytes(m);
            }
            transport.sendEncoded(o.to(), lastEncodedBytes);
        }
    }

    private static long estimatedBytes(List<Txn> txns) {
        long n = 16;
        for (Txn t : txns) {
            n += t.payload().length + 32L;
        }
        return n;
    }

    private void completePending(Txn t) {
        while (!pending.isEmpty() && pending.peek().zxid().counter() <= t.counter()) {
            Pending p = pending.poll();
            if (p.zxid().equals(t.zxid())) {
                p.result().complete(t.zxid());
            } else {
                p.result().completeExceptionally(new ProposalOutcomeUnknownException(
                        "proposal " + p.zxid() + " was replaced by " + t.zxid()));
            }
        }
    }

    private void failPending(RuntimeException e) {
        while (!pending.isEmpty()) {
            pending.poll().result().completeExceptionally(e);
        }
    }

    private void drainProposals() {
        for (Event e; (e = events.poll()) != null; ) {
            if (e instanceof Propose p) {
                p.result().completeExceptionally(new NotLeaderException(-1));
            } else if (e instanceof Compact c) {
                c.result().completeExceptionally(new IllegalStateException("driver stopped"));
            } else if (e instanceof Transfer t) {
                t.result().complete("replication has stopped on this server");
            } else if (e instanceof ReadIndexAsk r) {
                r.result().completeExceptionally(new IllegalStateException("driver stopped"));
            } else if (e instanceof SnapshotArrived s) {
                Dirs.deleteQuietly(s.dir());
            }
        }
    }

    private void publishStatus() {
        if (member && !node.isMember()) {
            member = false;
            LOG.warn("server {}: a committed configuration no longer lists this server: it takes no part in the "
                    + "ensemble any more", config.myId());
        }
        int l = node.learners();
        int f = node.syncedFollowers();
        int o = node.syncedObservers();
        if (l != learners || f != syncedFollowers || o != syncedObservers || node.role() != syncedRole) {
            syncedPeers = node.syncedPeers();
            syncedRole = node.role();
        }
        learners = l;
        syncedFollowers = f;
        syncedObservers = o;
        long epoch = switch (node.role()) {
            case LEADING -> node.leaderEpoch() >= 0 ? node.leaderEpoch() : node.currentEpoch();
            default -> node.currentEpoch();
        };
        PeerStatus s = new PeerStatus(node.role(), node.leaderId(), epoch,
                node.isEstablishedLeader() || node.isSyncedFollower());
        if (!s.equals(status)) {
            PeerStatus before = status;
            status = s;
            if (s.canPropose() && !before.canPropose()) {
                leadingSinceNanos = System.nanoTime();
            }
            LOG.info("server {}: {}", config.myId(), s);
            if (before.canPropose() && !s.canPropose()) {
                failPending(new ProposalOutcomeUnknownException("server " + config.myId() + " stopped leading"));
            }
            host.roles().onStatus(s);
        }
    }

    private static void clearInbox(Path inbox) throws IOException {
        if (!Files.isDirectory(inbox)) {
            return;
        }
        try (Stream<Path> children = Files.list(inbox)) {
            for (Path p : (Iterable<Path>) children::iterator) {
                Dirs.deleteQuietly(p);
            }
        }
    }
}
