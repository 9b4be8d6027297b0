package dev.corral.server.pipeline;

import dev.corral.server.acl.AuthIds;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.session.SessionTable;
import dev.corral.server.tree.StoreFailure;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import dev.corral.server.wire.Xid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.WhoAmIResponse;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline: one thread that owns the tree, the sessions and the watches, and processes requests in
 * rounds. A round takes what is queued, handles it in arrival order (so replies keep each connection's request
 * order and a session reads its own writes), makes the round's writes durable with one fsync, and only then lets
 * the replies and watch events go out.
 */
public final class RequestProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
    private static final int MAX_ROUND = 1024;

    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final ServerContext ctx;
    private final TxnCommitter committer;
    private final Reads reads;
    private final Writes writes;
    private final Sessions sessions;
    private final WatchRestore watchRestore;
    private final Multis multis;
    private final WatchOps watchOps;
    private final ContainerSweeper sweeper;
    private final Thread thread;
    private volatile boolean running = true;

    private final EnsembleFlow ensemble;

    public RequestProcessor(ServerConfig config, ZnodeStore store) {
        this(config, store, null);
    }

    /** With {@code replication}, the server runs as a member of an ensemble; without, standalone. */
    public RequestProcessor(ServerConfig config, ZnodeStore store, Replication replication) {
        SessionTable table = new SessionTable(0, System.currentTimeMillis());
        this.ctx = new ServerContext(config, store, table);
        this.committer = new TxnCommitter(ctx);
        this.reads = new Reads(ctx);
        this.writes = new Writes(ctx, committer);
        this.sessions = new Sessions(ctx, committer);
        this.watchRestore = new WatchRestore(ctx);
        this.multis = new Multis(ctx, committer, reads);
        this.watchOps = new WatchOps(ctx);
        this.ensemble = replication == null ? null
                : new EnsembleFlow(ctx, replication, sessions, r -> dispatch(r, r.conn()));
        this.sweeper = new ContainerSweeper(ctx, ensemble == null
                ? path -> committer.commit(new dev.corral.server.tree.Txn.Delete(path))
                : ensemble::sweep, nowMs());
        long now = nowMs();
        // Sessions outlive a restart: each gets a full timeout from now to reconnect.
        store.forEachSession(s -> table.add(s.sessionId(), s.password(), s.timeoutMs(), now));
        this.thread = new Thread(this::run, "corral-requests");
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

    /** Ensemble: a committed txn, to apply in order (called by the replication driver, in zxid order). */
    public void committed(long zxid, byte[] payload) {
        queue.add(new Work.Committed(zxid, payload));
    }

    public void peerMessage(int from, byte[] frame) {
        queue.add(new Work.PeerMessage(from, frame));
    }

    public void status(ReplicaStatus status) {
        queue.add(new Work.Status(status));
    }

    /** Runs {@code task} on the processor thread, between requests. */
    public void execute(Runnable task) {
        queue.add(new Work.Task(task));
    }

    /** A snapshot of the server's figures, taken between requests. */
    public java.util.concurrent.CompletableFuture<ServerStats> stats() {
        java.util.concurrent.CompletableFuture<ServerStats> result = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(snapshot());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private ServerStats snapshot() {
        java.util.Map<Long, java.util.Set<String>> watches = new java.util.TreeMap<>();
        ctx.watches.snapshot().forEach((w, paths) ->
                watches.computeIfAbsent(((ClientConnection) w).sessionId, k -> new java.util.TreeSet<>()).addAll(paths));
        java.util.Map<Long, List<String>> ephemerals = new java.util.TreeMap<>();
        java.util.Map<Long, Long> timeouts = new java.util.TreeMap<>();
        for (var s : ctx.sessions.all()) {
            timeouts.put(s.id(), (long) s.timeoutMs());
            List<String> owned = ctx.view.ephemerals(s.id());
            if (!owned.isEmpty()) {
                ephemerals.put(s.id(), owned);
            }
        }
        List<ServerStats.Connection> conns = new ArrayList<>();
        for (ClientConnection c : ctx.owners.values()) {
            ConnectionStats st = c.stats;
            var session = ctx.sessions.get(c.sessionId);
            conns.add(new ServerStats.Connection(c.remoteAddress(), st.received, st.sent, c.sessionId, st.lastOp,
                    st.established, session == null ? 0 : session.timeoutMs(), st.lastCxid, st.lastZxid,
                    st.lastResponse, st.lastLatency, st.latencyCount == 0 ? 0 : st.minLatency,
                    st.latencyCount == 0 ? 0 : (double) st.totalLatency / st.latencyCount, st.maxLatency));
        }
        // ZooKeeper counts its root twice ("" and "/"), so a fresh tree shows 5 nodes.
        long nodeCount = ctx.view.descendantCount("/") + 2;
        return new ServerStats(ensemble == null || ensemble.serving(),
                ensemble == null ? "standalone" : ensemble.status().mode(), ctx.lastZxid, nodeCount, ctx.received, ctx.outbox.sent, queue.size(),
                ctx.latencyCount == 0 ? 0 : ctx.minLatency,
                ctx.latencyCount == 0 ? 0 : (double) ctx.totalLatency / ctx.latencyCount, ctx.maxLatency, conns,
                watches, ctx.sessions.size(), ephemerals, timeouts, System.currentTimeMillis() - ctx.startedMs);
    }

    /**
     * Runs {@code swap} (which replaces the store's contents, e.g. with a snapshot) on the processor thread and
     * then reloads what the processor keeps of the store: its zxid and its session table. Waits for it.
     */
    public void replaceStore(Runnable swap) throws InterruptedException, java.util.concurrent.ExecutionException {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                swap.run();
                ctx.lastZxid = ctx.store.lastZxid();
                java.util.List<Long> ids = new java.util.ArrayList<>();
                ctx.sessions.all().forEach(s -> ids.add(s.id()));
                ids.forEach(ctx.sessions::remove);
                long now = nowMs();
                ctx.store.forEachSession(s -> ctx.sessions.add(s.sessionId(), s.password(), s.timeoutMs(), now));
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.get();
    }

    /** Runs {@code action} on the processor thread once everything queued before it is done; waits for it. */
    public <T> T onProcessorThread(java.util.function.Supplier<T> action)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
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
        return ctx.lastZxid;
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }

    private void run() {
        List<Work> round = new ArrayList<>(MAX_ROUND);
        long nextExpiryCheck = nowMs();
        while (running) {
            try {
                long wait = Math.min(nextExpiryCheck, sweeper.nextRunMs()) - nowMs();
                Work first = queue.poll(Math.max(1, wait), TimeUnit.MILLISECONDS);
                if (first != null) {
                    round.add(first);
                    queue.drainTo(round, MAX_ROUND - 1);
                }
                for (Work work : round) {
                    handle(work);
                }
                round.clear();
                long now = nowMs();
                if (now >= nextExpiryCheck) {
                    if (ensemble == null) {
                        sessions.expire(now);
                    } else {
                        ensemble.tick(now);
                        if (ensemble.status().isLeader()) {
                            ctx.sessions.expired(now).forEach(ensemble::expire);
                        }
                    }
                    nextExpiryCheck = now + ctx.config.tickTime() / 2;
                }
                if (ensemble == null || ensemble.status().isLeader()) {
                    sweeper.maybeRun(now);
                }
                if (ensemble != null) {
                    ensemble.flushToLeader();
                    ensemble.flushApplied();
                }
                committer.syncRound();
                ctx.outbox.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A failure here means the store failed: stop rather than answer from a state we cannot trust.
                LOG.error("request processor failed; stopping", e);
                running = false;
                Runtime.getRuntime().halt(70);
            }
        }
    }

    private void handle(Work work) {
        if (work instanceof Work.Request r) {
            request(r);
        } else if (work instanceof Work.Committed c) {
            ensemble.onCommitted(c.zxid(), c.payload(), nowMs());
        } else if (work instanceof Work.PeerMessage m) {
            ensemble.onPeerFrame(m.from(), m.frame(), nowMs());
        } else if (work instanceof Work.Status s) {
            ensemble.onStatus(s.status(), nowMs());
        } else if (work instanceof Work.Connect c) {
            if (ensemble != null && !ensemble.serving()) {
                // Not part of a working quorum: refuse, so the client tries another server.
                ctx.outbox.close(c.conn());
            } else {
                sessions.connect(c.conn(), c.request(), c.legacy(), nowMs());
            }
        } else if (work instanceof Work.Disconnected d) {
            if (ensemble != null) {
                ensemble.disconnected(d.conn());
            }
            sessions.disconnected(d.conn());
        } else if (work instanceof Work.Task t) {
            if (ensemble != null) {
                ensemble.flushApplied();  // tasks read or replace the store itself (checkpoints, log trims)
            }
            t.task().run();
        }
    }

    private void request(Work.Request r) {
        ClientConnection conn = r.conn();
        if (!conn.connected) {
            return;
        }
        var session = ctx.sessions.get(conn.sessionId);
        if (session == null || session.closing()) {
            return;
        }
        session.touch(nowMs());
        conn.stats.received++;
        ctx.received++;
        try {
            if (ensemble != null) {
                ensemble.request(r);
            } else {
                dispatch(r, conn);
            }
        } finally {
            long latency = (System.nanoTime() - r.receivedNanos()) / 1_000_000L;
            conn.stats.completed(OpNames.of(r.type()), r.xid(), ctx.lastZxid, latency, System.currentTimeMillis());
            ctx.minLatency = Math.min(ctx.minLatency, latency);
            ctx.maxLatency = Math.max(ctx.maxLatency, latency);
            ctx.totalLatency += latency;
            ctx.latencyCount++;
        }
    }

    private void dispatch(Work.Request r, ClientConnection conn) {
        BinaryInputArchive in = Jute.input(r.frame(), r.bodyOffset(), r.frame().length - r.bodyOffset(),
                ctx.config.juteMaxBuffer());
        int xid = r.xid();
        try {
            if (r.type() == OpCode.SASL) {
                // SASL is not offered: the attempt fails with AUTHFAILED and the connection closes.
                if (decodes(in, new GetSASLRequest())) {
                    ctx.outbox.send(conn, Replies.error(xid, ctx.lastZxid, ErrorCode.AUTH_FAILED));
                }
                ctx.outbox.close(conn);
            } else if (r.type() == OpCode.AUTH) {
                AuthPacket packet = new AuthPacket();
                if (decodes(in, packet)) {
                    auth(conn, xid, packet);
                } else {
                    // ZooKeeper drops a connection whose auth packet does not parse, without a reply.
                    ctx.outbox.close(conn);
                }
            } else if (r.type() == OpCode.RECONFIG) {
                Jute.read(in, new ReconfigRequest());
                // Dynamic reconfiguration is not offered (ZooKeeper's default, reconfigEnabled=false).
                ctx.outbox.send(conn, Replies.error(xid, ctx.lastZxid, ErrorCode.RECONFIG_DISABLED));
            } else if (r.type() == OpCode.CREATE_SESSION || r.type() == OpCode.DELETE_CONTAINER) {
                // Server-internal ops: a malformed body is a marshalling error as in ZooKeeper; clients cannot
                // issue them.
                if (r.type() == OpCode.CREATE_SESSION) {
                    in.readInt("timeOut");
                } else {
                    in.readString("path");
                }
                ctx.outbox.send(conn, Replies.error(xid, ctx.lastZxid, ErrorCode.UNIMPLEMENTED));
            } else if (r.type() == OpCode.PING) {
                ctx.outbox.send(conn, Replies.ok(Xid.PING, ctx.lastZxid, null));
            } else if (r.type() == OpCode.CLOSE_SESSION) {
                long zxid = sessions.close(conn);
                ctx.outbox.send(conn, Replies.ok(xid, zxid, null));
                ctx.outbox.close(conn);
            } else if (r.type() == OpCode.SET_WATCHES) {
                SetWatches sw = Jute.read(in, new SetWatches());
                watchRestore.restore(conn, sw.getRelativeZxid(), sw.getDataWatches(), sw.getExistWatches(),
                        sw.getChildWatches(), List.of(), List.of());
                ctx.outbox.send(conn, Replies.ok(xid, ctx.lastZxid, null));
            } else if (r.type() == OpCode.SET_WATCHES2) {
                SetWatches2 sw = Jute.read(in, new SetWatches2());
                watchRestore.restore(conn, sw.getRelativeZxid(), sw.getDataWatches(), sw.getExistWatches(),
                        sw.getChildWatches(), sw.getPersistentWatches(), sw.getPersistentRecursiveWatches());
                ctx.outbox.send(conn, Replies.ok(xid, ctx.lastZxid, null));
            } else if (r.type() == OpCode.MULTI) {
                Writes.Result result = multis.multi(conn, in);
                ctx.outbox.send(conn, Replies.ok(xid, result.zxid(), result.body()));
            } else if (r.type() == OpCode.MULTI_READ) {
                ctx.outbox.send(conn, Replies.ok(xid, ctx.lastZxid, multis.multiRead(conn, in)));
            } else if (Writes.isWrite(r.type())) {
                Writes.Result result = writes.handle(conn, r.type(), in);
                ctx.outbox.send(conn, Replies.ok(xid, result.zxid(), result.body()));
            } else {
                Record body = read(conn, r.type(), in);
                ctx.outbox.send(conn, Replies.ok(xid, ctx.lastZxid, body));
            }
        } catch (KeeperError e) {
            ctx.outbox.send(conn, Replies.error(xid, ctx.lastZxid, e.code()));
        } catch (StoreFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuntimeException) {
                // A request that trips a bug must cost that request only: the pending view is dropped (nothing
                // of it reached the store) and the client gets ZooKeeper's answer to a request it cannot process.
                LOG.error("failed to process request type {} from session 0x{}", r.type(),
                        Long.toHexString(conn.sessionId), e);
                if (ensemble == null) {
                    // (In an ensemble the view holds this round's committed txns, and requests here only read.)
                    ctx.view.discard();
                }
            }
            // ZooKeeper answers MARSHALLINGERROR (a body that does not decode, or a request that fails to
            // process) and keeps the connection.
            ctx.outbox.send(conn, Replies.error(xid, ctx.lastZxid, ErrorCode.MARSHALLING_ERROR));
        }
    }

    private Record read(ClientConnection conn, int type, BinaryInputArchive in) throws IOException, KeeperError {
        return switch (type) {
            case OpCode.EXISTS -> {
                ExistsRequest req = Jute.read(in, new ExistsRequest());
                yield reads.exists(conn, req.getPath(), req.getWatch());
            }
            case OpCode.GET_DATA -> {
                GetDataRequest req = Jute.read(in, new GetDataRequest());
                yield reads.getData(conn, req.getPath(), req.getWatch());
            }
            case OpCode.GET_CHILDREN -> {
                GetChildrenRequest req = Jute.read(in, new GetChildrenRequest());
                yield reads.getChildren(conn, req.getPath(), req.getWatch(), false);
            }
            case OpCode.GET_CHILDREN2 -> {
                GetChildren2Request req = Jute.read(in, new GetChildren2Request());
                yield reads.getChildren(conn, req.getPath(), req.getWatch(), true);
            }
            case OpCode.GET_ALL_CHILDREN_NUMBER -> {
                GetAllChildrenNumberRequest req = Jute.read(in, new GetAllChildrenNumberRequest());
                yield reads.getAllChildrenNumber(conn, req.getPath());
            }
            case OpCode.GET_ACL -> {
                GetACLRequest req = Jute.read(in, new GetACLRequest());
                yield reads.getAcl(conn, req.getPath());
            }
            case OpCode.GET_EPHEMERALS -> {
                GetEphemeralsRequest req = Jute.read(in, new GetEphemeralsRequest());
                yield reads.getEphemerals(conn, req.getPrefixPath());
            }
            case OpCode.WHO_AM_I -> {
                List<ClientInfo> infos = new ArrayList<>();
                for (Id id : conn.authIds) {
                    // As ZooKeeper's digest provider does, name the user, not the hash.
                    String user = "digest".equals(id.getScheme()) ? id.getId().split(":", 2)[0] : id.getId();
                    infos.add(new ClientInfo(id.getScheme(), user));
                }
                yield new WhoAmIResponse(infos);
            }
            case OpCode.ADD_WATCH -> {
                AddWatchRequest req = Jute.read(in, new AddWatchRequest());
                watchOps.add(conn, req.getPath(), req.getMode());
                yield new ErrorResponse(0);
            }
            case OpCode.CHECK_WATCHES -> {
                CheckWatchesRequest req = Jute.read(in, new CheckWatchesRequest());
                watchOps.check(conn, req.getPath(), req.getType());
                yield null;
            }
            case OpCode.REMOVE_WATCHES -> {
                RemoveWatchesRequest req = Jute.read(in, new RemoveWatchesRequest());
                watchOps.remove(conn, req.getPath(), req.getType());
                yield null;
            }
            case OpCode.SYNC -> {
                SyncRequest req = Jute.read(in, new SyncRequest());
                yield new SyncResponse(req.getPath());
            }
            default -> throw new KeeperError(ErrorCode.UNIMPLEMENTED);
        };
    }

    private static boolean decodes(BinaryInputArchive in, Record record) {
        try {
            record.deserialize(in, "request");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void auth(ClientConnection conn, int xid, AuthPacket packet) {
        if ("digest".equals(packet.getScheme()) && packet.getAuth() != null) {
            String digest = AuthIds.digest(new String(packet.getAuth(), java.nio.charset.StandardCharsets.UTF_8));
            if (digest.equals(ctx.config.superDigest())) {
                conn.authIds.add(new Id("super", ""));
            }
            conn.authIds.add(new Id("digest", digest));
            ctx.outbox.send(conn, Replies.ok(xid, 0, null));
            return;
        }
        // ZooKeeper answers AUTHFAILED and closes the connection.
        ctx.outbox.send(conn, Replies.error(xid, 0, ErrorCode.AUTH_FAILED));
        ctx.outbox.close(conn);
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
