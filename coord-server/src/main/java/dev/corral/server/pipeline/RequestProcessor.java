package dev.corral.server.pipeline;

import dev.corral.server.config.ServerConfig;
import dev.corral.server.lifecycle.FatalStop;
import dev.corral.server.sasl.SaslLogin;
import dev.corral.server.session.SessionTable;
import dev.corral.server.tree.StoreFailure;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.zookeeper.proto.ConnectRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline: one thread that owns the tree, the sessions and the watches, and processes requests in
 * rounds. A round takes what is queued, handles it in arrival order (so replies keep each connection's request
 * order and a session reads its own writes), ends the round on the write path (one fsync standalone; one batch to
 * the leader in an ensemble), and only then lets the replies and watch events go out. Which write path it has is
 * decided at start-up; this loop knows neither.
 */
public final class RequestProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
    private static final int MAX_ROUND = 1024;

    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final ServerContext ctx;
    private final Sessions sessions;
    private final LocalRequests local;
    private final Authentication authentication;
    private final WritePath writePath;
    private final ContainerSweeper sweeper;
    private final Thread thread;
    private volatile boolean running = true;
    /** Arrival times of the writes a standalone round applied: their latency ends with the round's fsync. */
    private final long[] roundWrites = new long[MAX_ROUND];
    private int roundWriteCount;
    private final boolean standalone;
    private final AdminTasks admin;

    /** {@code writePaths} builds the write path: {@code StandaloneWritePath::new}, or an ensemble member's. */
    public RequestProcessor(ServerConfig config, ZnodeStore store, WritePath.Factory writePaths) {
        this(config, store, writePaths, null);
    }

    /** {@code sasl}: the server's JAAS login (SASL on the client port), or null when none is configured. */
    public RequestProcessor(ServerConfig config, ZnodeStore store, WritePath.Factory writePaths, SaslLogin sasl) {
        SessionTable table = new SessionTable(0, System.currentTimeMillis());
        this.ctx = new ServerContext(config, store, table);
        this.sessions = new Sessions(ctx);
        this.authentication = new Authentication(ctx, sasl);
        this.local = new LocalRequests(ctx, authentication);
        this.writePath = writePaths.create(ctx, sessions);
        this.sweeper = new ContainerSweeper(ctx, nowMs());
        long now = nowMs();
        // Sessions outlive a restart: each gets a full timeout from now to reconnect.
        store.forEachSession(s -> table.add(s.sessionId(), s.password(), s.timeoutMs(), now));
        this.thread = new Thread(this::run, "corral-requests");
        this.standalone = "standalone".equals(writePath.mode());
        this.admin = new AdminTasks(this, ctx);
    }

    public void start() {
        thread.start();
    }

    public void connect(ClientConnection conn, ConnectRequest request, boolean legacy) {
        queue.add(new Work.Connect(conn, request, legacy));
    }

    public void request(ClientConnection conn, int xid, int type, byte[] frame, int bodyOffset) {
        queue.add(new Work.Request(conn, xid, type, frame, bodyOffset, System.nanoTime()));
    }

    public void disconnected(ClientConnection conn) {
        queue.add(new Work.Disconnected(conn));
    }

    /**
     * Runs {@code event} on the processor thread, in arrival order with requests: how the write path hands in what
     * happens outside (commits, peer frames, role changes) without the processor knowing what they are.
     */
    public void event(Runnable event) {
        queue.add(new Work.Event(event));
    }

    /** Runs {@code task} on the processor thread, between requests, after the write path put everything applied
     * so far into the store (tasks read or replace the store directly: checkpoints, log trims, admin queries). */
    public void execute(Runnable task) {
        queue.add(new Work.Task(task));
    }

    /** A snapshot of the server's figures, taken between requests. */
    public CompletableFuture<ServerStats> stats() {
        CompletableFuture<ServerStats> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(StatsSnapshot.take(ctx, writePath, queue.size()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Leadership transfer: {@code yield} false asks for this server to lead (rqld), true has its leader hand over to
     * another member (ydld). Completes with null once asked, or with why not.
     */
    public CompletableFuture<String> leadership(boolean yield) {
        return writePath.leadership(yield);
    }

    /** The figures as counts, taken between requests: cheaper than {@link #stats()}, for /metrics. */
    public CompletableFuture<ServerFigures> figures() {
        CompletableFuture<ServerFigures> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(StatsSnapshot.figures(ctx, writePath, queue.size()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Resets the request figures between requests: every connection's ({@code connections}, the crst word) or the
     * server's (srst); completes once done.
     */
    public CompletableFuture<Void> resetStats(boolean connections) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        execute(() -> {
            if (connections) {
                ctx.bindings().all().forEach(c -> c.stats.reset());
            } else {
                ctx.stats().reset();
                ctx.outbox().sent = 0;
            }
            result.complete(null);
        });
        return result;
    }

    /**
     * Runs {@code swap} (which replaces the store's contents, e.g. with a snapshot) on the processor thread and
     * then reloads what the processor keeps of the store: its zxid and its session table. Waits for it.
     */
    public void replaceStore(Runnable swap) throws InterruptedException, ExecutionException {
        onProcessorThread(() -> {
            swap.run();
            ctx.zxids().reset(ctx.store().lastZxid());
            List<Long> ids = new ArrayList<>();
            ctx.sessions().all().forEach(s -> ids.add(s.id()));
            ids.forEach(ctx.sessions()::remove);
            long now = nowMs();
            ctx.store().forEachSession(s -> ctx.sessions().add(s.sessionId(), s.password(), s.timeoutMs(), now));
            return null;
        });
    }

    /** What the AdminServer's snapshot, restore and authorization run on this processor. */
    public AdminTasks admin() {
        return admin;
    }

    /** Runs {@code action} on the processor thread once everything queued before it is done; waits for it. */
    public <T> T onProcessorThread(Supplier<T> action) throws InterruptedException, ExecutionException {
        CompletableFuture<T> done = new CompletableFuture<>();
        execute(() -> {
            try {
                done.complete(action.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done.get();
    }

    public long lastZxid() {
        return ctx.zxids().last();
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }

    private void run() {
        List<Work> round = new ArrayList<>(MAX_ROUND);
        long nextTick = nowMs();
        while (running) {
            try {
                long wait = Math.min(nextTick, sweeper.nextRunMs()) - nowMs();
                Work first = queue.poll(Math.max(1, wait), TimeUnit.MILLISECONDS);
                if (first != null) {
                    round.add(first);
                    queue.drainTo(round, MAX_ROUND - 1);
                }
                for (Work work : round) {
                    handle(work);
                    for (Work.Request released : writePath.released()) {
                        answerLocally(released, Operations.get(released.type()));
                    }
                }
                round.clear();
                long now = nowMs();
                if (now >= nextTick) {
                    writePath.tick(now);
                    nextTick = now + ctx.config().tickTime() / 2;
                }
                if (writePath.sweeps()) {
                    sweeper.maybeRun(now, writePath::sweep);
                }
                endRound();
                ctx.outbox().flush();
                writePath.afterReplies();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A failure here means the store failed: stop rather than answer from a state we cannot trust.
                running = false;
                // The store's message names its directory and file (e.g. "store at DIR/tree: ... No space left").
                FatalStop.halt("request processor failed (" + e.getMessage() + "); stopping", e);
            }
        }
    }

    /** Ends the round on the write path; standalone, that is the fsync the round's write replies wait for. */
    private void endRound() {
        if (roundWriteCount == 0) {
            writePath.endRound();
            return;
        }
        long t0 = System.nanoTime();
        writePath.endRound();
        long done = System.nanoTime();
        StageStats stages = ctx.stages();
        stages.fsyncTime.add((done - t0) / 1_000_000L);
        for (int i = 0; i < roundWriteCount; i++) {
            stages.updateLatency.add((done - roundWrites[i]) / 1_000_000L);
        }
        roundWriteCount = 0;
    }

    private void handle(Work work) {
        if (work instanceof Work.Request r) {
            request(r);
        } else if (work instanceof Work.Event e) {
            e.event().run();
        } else if (work instanceof Work.Connect c) {
            connect(c);
        } else if (work instanceof Work.Disconnected d) {
            writePath.disconnected(d.conn());
            sessions.disconnected(d.conn());
            authentication.disconnected(d.conn());
        } else if (work instanceof Work.Task t) {
            writePath.beforeTask();
            t.task().run();
        }
    }

    private void connect(Work.Connect c) {
        if (!writePath.serving()) {
            // Not part of a working quorum: refuse, so the client tries another server.
            ctx.outbox().close(c.conn());
            return;
        }
        long now = nowMs();
        OptionalInt newSession = sessions.connect(c.conn(), c.request(), c.legacy(), now);
        if (newSession.isPresent()) {
            writePath.newSession(c.conn(), newSession.getAsInt(), c.legacy(), now);
        }
    }

    private void request(Work.Request r) {
        ClientConnection conn = r.conn();
        if (!conn.connected) {
            return;
        }
        var session = ctx.sessions().get(conn.sessionId);
        if (session == null || session.closing()) {
            return;
        }
        if (!authentication.admits(conn, r.xid(), r.type())) {
            return;
        }
        session.touch(nowMs());
        conn.stats.received++;
        ctx.stats().received++;
        Operation op = Operations.get(r.type());
        boolean taken = false;
        try {
            taken = guarded(r, () -> writePath.take(r, op));
            if (!taken) {
                answerLocally(r, op);
            }
        } finally {
            long latency = (System.nanoTime() - r.receivedNanos()) / 1_000_000L;
            if (op != null && op.kind() == Operation.Kind.READ) {
                ctx.stages().readLatency.add(latency);
            } else if (taken && standalone && op != null && op.replicated() && roundWriteCount < MAX_ROUND) {
                roundWrites[roundWriteCount++] = r.receivedNanos();
            }
            conn.stats.completed(op == null ? "NA" : op.name(), r.xid(), ctx.zxids().last(), latency,
                    System.currentTimeMillis());
            ctx.stats().completed(latency);
        }
    }

    /** {@code op}: the request's table entry, or null for an opcode the server does not know. */
    private void answerLocally(Work.Request r, Operation op) {
        guarded(r, () -> {
            local.handle(r, op);
            return true;
        });
    }

    /** What a step of handling a request does; throws what the client is to be told. */
    private interface Step {
        boolean run() throws KeeperError, IOException;
    }

    /**
     * Runs one step of a request; a ZooKeeper error becomes the client's error reply. Returns the step's answer, or
     * true once the client was answered with an error.
     */
    private boolean guarded(Work.Request r, Step step) {
        ClientConnection conn = r.conn();
        try {
            return step.run();
        } catch (KeeperError e) {
            ctx.outbox().send(conn, Replies.error(r.xid(), ctx.zxids().last(), e.code()));
        } catch (StoreFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuntimeException) {
                // A request that trips a bug must cost that request only: the pending view is dropped (nothing
                // of it reached the store) and the client gets ZooKeeper's answer to a request it cannot process.
                LOG.error("failed to process request type {} from session 0x{}", r.type(),
                        Long.toHexString(conn.sessionId), e);
                writePath.requestFailed();
            }
            // ZooKeeper answers MARSHALLINGERROR (a body that does not decode, or a request that fails to
            // process) and keeps the connection.
            ctx.outbox().send(conn, Replies.error(r.xid(), ctx.zxids().last(), ErrorCode.MARSHALLING_ERROR));
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
