package dev.corral.mesos.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port of libmesos' ZooKeeper {@code Group} (src/zookeeper/group.cpp) onto the stock Java client: the membership
 * group that Mesos masters use for leader election and that the replicated log uses for {@code log_replicas}.
 *
 * <p>It issues the same ZooKeeper calls in the same order: digest authentication when the URL carries credentials;
 * a recursive create of the group znode (exists, then the parents, then the node; empty data, persistent); a join is
 * an EPHEMERAL_SEQUENTIAL create of {@code znode + "/" + [label + "_"]} (so an unlabelled join has a trailing slash);
 * memberships are read with {@code getChildren(znode, watch=true)} and re-read on every child event; data is read
 * with {@code getData(path, watch=false)}. When the session expires, or the connection stays lost longer than the
 * negotiated session timeout, every membership is dropped at once (watchers see an empty group), owned memberships
 * are cancelled, and a new ZooKeeper handle is created.
 *
 * <p>One single-threaded executor owns all state; ZooKeeper callbacks are handed to it.
 */
public final class ZkGroup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkGroup.class);
    /** libmesos' {@code RETRY_INTERVAL}; the retry doubles up to 60 s. */
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(2);

    /** libmesos' {@code EVERYONE_READ_CREATOR_ALL}, used when the URL carries credentials. */
    // Not List.of: the client's ACL validation calls contains(null), which immutable lists reject.
    public static final List<ACL> EVERYONE_READ_CREATOR_ALL = Collections.unmodifiableList(java.util.Arrays.asList(
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
            new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS)));

    private enum State { CONNECTING, CONNECTED, AUTHENTICATED, READY }

    /** A membership this process created, and a future completed when it goes away (true only if we cancelled it). */
    public record Owned(Membership membership, CompletableFuture<Boolean> cancelled) {}

    private record Join(byte[] data, Optional<String> label, CompletableFuture<Owned> promise) {}

    private record Data(Membership membership, CompletableFuture<Optional<byte[]>> promise) {}

    private final ZkUrl url;
    private final String znode;
    private final int sessionTimeoutMs;
    private final List<ACL> acl;
    private final ScheduledExecutorService loop;
    private final List<Consumer<SortedSet<Membership>>> watchers = new CopyOnWriteArrayList<>();

    // Owned by the loop thread.
    private ZooKeeper zk;
    private long handleGeneration;
    private State state = State.CONNECTING;
    private boolean everConnected;
    private SortedSet<Membership> memberships; // null: unknown, must be read again
    private final Map<Integer, CompletableFuture<Boolean>> owned = new HashMap<>();
    private final Queue<Join> pendingJoins = new ArrayDeque<>();
    private final Queue<Data> pendingDatas = new ArrayDeque<>();
    private ScheduledFuture<?> reconnectTimer;
    private boolean retrying;
    private boolean closed;

    public ZkGroup(ZkUrl url, Duration sessionTimeout) {
        this.url = url;
        this.znode = url.znode();
        this.sessionTimeoutMs = (int) sessionTimeout.toMillis();
        this.acl = url.credentials().isPresent() ? EVERYONE_READ_CREATOR_ALL : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zk-group " + url.znode());
            t.setDaemon(true);
            return t;
        });
        loop.execute(this::newHandle);
    }

    public ZkUrl url() {
        return url;
    }

    /** Called on the group's thread with the full membership set each time it changes (empty on session loss). */
    public void watch(Consumer<SortedSet<Membership>> watcher) {
        watchers.add(watcher);
        loop.execute(() -> {
            if (memberships != null) {
                watcher.accept(Collections.unmodifiableSortedSet(new TreeSet<>(memberships)));
            }
        });
    }

    /** Joins the group with an EPHEMERAL_SEQUENTIAL znode; retried until the group is ready. */
    public CompletableFuture<Owned> join(byte[] data, Optional<String> label) {
        CompletableFuture<Owned> promise = new CompletableFuture<>();
        loop.execute(() -> {
            pendingJoins.add(new Join(data, label, promise));
            if (state == State.READY) {
                sync();
            }
        });
        return promise;
    }

    /** Cancels an owned membership (deletes its znode). */
    public CompletableFuture<Boolean> cancel(Membership membership) {
        return CompletableFuture.supplyAsync(() -> {
            CompletableFuture<Boolean> cancelled = owned.remove(membership.sequence());
            if (cancelled == null) {
                return false;
            }
            try {
                zk.delete(znode + "/" + membership.znodeName(), -1);
                cancelled.complete(true);
                memberships = null;
                return true;
            } catch (KeeperException.NoNodeException gone) {
                cancelled.complete(false);
                return false;
            } catch (KeeperException | InterruptedException e) {
                cancelled.complete(false);
                return false;
            }
        }, loop);
    }

    /** The data of a member; empty if the member is gone before it could be read (libmesos returns None then). */
    public CompletableFuture<Optional<byte[]>> data(Membership membership) {
        CompletableFuture<Optional<byte[]>> promise = new CompletableFuture<>();
        loop.execute(() -> {
            pendingDatas.add(new Data(membership, promise));
            if (state == State.READY) {
                sync();
            }
        });
        return promise;
    }

    /** The session id of the current handle (for tests that expire it from outside). */
    public CompletableFuture<Optional<SessionHandle>> session() {
        return CompletableFuture.supplyAsync(() -> state == State.CONNECTING || zk == null
                ? Optional.<SessionHandle>empty()
                : Optional.of(new SessionHandle(zk.getSessionId(), zk.getSessionPasswd())), loop);
    }

    /** A session's id and password, enough for another handle to attach to (and close) it. */
    public record SessionHandle(long id, byte[] password) {}

    // ---- the state machine, all on the loop thread ----

    private void newHandle() {
        if (closed) {
            return;
        }
        long generation = ++handleGeneration;
        try {
            zk = new ZooKeeper(url.servers(), sessionTimeoutMs, event -> loop.execute(() -> onEvent(generation, event)));
        } catch (IOException e) {
            // Bad connect string: nothing to retry.
            throw new IllegalArgumentException("Cannot create ZooKeeper handle for " + url, e);
        }
        state = State.CONNECTING;
        everConnected = false;
    }

    private void onEvent(long generation, WatchedEvent event) {
        if (closed || generation != handleGeneration) {
            return; // An event for a handle we already replaced.
        }
        if (event.getType() == Watcher.Event.EventType.None) {
            switch (event.getState()) {
                case SyncConnected -> connected();
                case Disconnected -> reconnecting();
                case Expired -> expired();
                case AuthFailed -> LOG.error("ZooKeeper authentication failed for {}", url);
                default -> { }
            }
        } else if (event.getType() == Watcher.Event.EventType.NodeChildrenChanged && znode.equals(event.getPath())) {
            updated();
        }
    }

    private void connected() {
        boolean reconnect = everConnected;
        everConnected = true;
        LOG.info("Group {} {} to ZooKeeper", znode, reconnect ? "reconnected" : "connected");
        if (!reconnect) {
            state = State.CONNECTED;
        }
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
        sync();
    }

    private void reconnecting() {
        LOG.info("Group {} lost its ZooKeeper connection, reconnecting", znode);
        retrying = false;
        // As libmesos: ZooKeeper only reports expiry after reconnecting, which during a partition can be much later.
        // Expire locally once the negotiated session timeout has passed without a reconnect.
        if (reconnectTimer == null) {
            long sessionId = zk.getSessionId();
            long generation = handleGeneration;
            int negotiated = zk.getSessionTimeout() > 0 ? zk.getSessionTimeout() : sessionTimeoutMs;
            reconnectTimer = loop.schedule(() -> {
                if (generation == handleGeneration && zk.getSessionId() == sessionId && reconnectTimer != null) {
                    LOG.warn("Timed out waiting to reconnect to ZooKeeper; forcing expiry of session 0x{}",
                            Long.toHexString(sessionId));
                    expired();
                }
            }, negotiated, TimeUnit.MILLISECONDS);
        }
    }

    private void expired() {
        LOG.info("Group {}: ZooKeeper session expired", znode);
        retrying = false;
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
        // From our side every member is gone now; tell watchers at once rather than after a reconnect.
        memberships = new TreeSet<>();
        update();
        memberships = null;
        for (CompletableFuture<Boolean> cancelled : owned.values()) {
            cancelled.complete(false);
        }
        owned.clear();
        closeHandle();
        newHandle();
    }

    private void updated() {
        try {
            cache();
            update();
        } catch (KeeperException e) {
            scheduleRetry();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs whatever is pending; returns quietly and schedules a retry on a retryable error. */
    private void sync() {
        try {
            if (state == State.CONNECTED) {
                url.credentials().ifPresent(c -> zk.addAuthInfo("digest", c.getBytes(StandardCharsets.UTF_8)));
                state = State.AUTHENTICATED;
            }
            if (state == State.AUTHENTICATED) {
                createRecursive(znode, new byte[0], CreateMode.PERSISTENT);
                state = State.READY;
            }
            while (!pendingJoins.isEmpty()) {
                Join join = pendingJoins.peek();
                try {
                    join.promise().complete(doJoin(join));
                } catch (KeeperException e) {
                    if (isRetryable(e)) {
                        throw e;
                    }
                    join.promise().completeExceptionally(e);
                }
                pendingJoins.remove();
            }
            while (!pendingDatas.isEmpty()) {
                Data data = pendingDatas.peek();
                try {
                    data.promise().complete(Optional.of(zk.getData(znode + "/" + data.membership().znodeName(), false, null)));
                } catch (KeeperException.NoNodeException gone) {
                    data.promise().complete(Optional.empty());
                }
                pendingDatas.remove();
            }
            if (memberships == null) {
                cache();
                update();
            }
        } catch (KeeperException e) {
            if (isRetryable(e)) {
                scheduleRetry();
            } else {
                LOG.error("Group {} failed: {}", znode, e.toString());
                pendingJoins.forEach(j -> j.promise().completeExceptionally(e));
                pendingJoins.clear();
                pendingDatas.forEach(d -> d.promise().completeExceptionally(e));
                pendingDatas.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Owned doJoin(Join join) throws KeeperException, InterruptedException {
        String path = znode + "/" + join.label().map(l -> l + "_").orElse("");
        String created = zk.create(path, join.data(), acl, CreateMode.EPHEMERAL_SEQUENTIAL);
        memberships = null; // Re-read so a caller that saw its join also sees itself in the group.
        String base = created.substring(created.lastIndexOf('/') + 1);
        String seq = join.label().map(l -> base.substring(l.length() + 1)).orElse(base);
        Membership membership = new Membership(Integer.parseInt(seq), join.label());
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        owned.put(membership.sequence(), cancelled);
        LOG.info("Joined group {} as {}", znode, created);
        return new Owned(membership, cancelled);
    }

    /**
     * libmesos' recursive create (src/zookeeper/zookeeper.cpp): if the path exists answer NODEEXISTS; otherwise
     * create the parent (everything before the last '/', so "/a/b/" creates "/a/b" first) recursively, then the node.
     * An existing node is success for the group.
     */
    private void createRecursive(String path, byte[] data, CreateMode mode) throws KeeperException, InterruptedException {
        if (zk.exists(path, false) != null) {
            return;
        }
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (!parent.isEmpty()) {
            createRecursive(parent, new byte[0], CreateMode.PERSISTENT);
        }
        try {
            zk.create(path, data, acl, mode);
        } catch (KeeperException.NodeExistsException raced) {
            // Another master created it between our exists and create: fine.
        }
    }

    private void cache() throws KeeperException, InterruptedException {
        memberships = null;
        List<String> children = zk.getChildren(znode, true); // Sets the watch!
        Map<Integer, Membership> found = new HashMap<>();
        for (String child : children) {
            Membership.parse(child).ifPresentOrElse(
                    m -> found.put(m.sequence(), m),
                    () -> LOG.debug("Found non-sequence node '{}' at '{}'", child, znode));
        }
        for (Integer seq : new ArrayList<>(owned.keySet())) {
            if (!found.containsKey(seq)) {
                owned.remove(seq).complete(false); // Deleted behind our back (operator, or expiry).
            }
        }
        memberships = new TreeSet<>(found.values());
    }

    private void update() {
        SortedSet<Membership> snapshot = Collections.unmodifiableSortedSet(new TreeSet<>(memberships));
        for (Consumer<SortedSet<Membership>> w : watchers) {
            try {
                w.accept(snapshot);
            } catch (RuntimeException e) {
                LOG.error("Group watcher failed", e);
            }
        }
    }

    private void scheduleRetry() {
        if (retrying || closed) {
            return;
        }
        retrying = true;
        retry(RETRY_INTERVAL);
    }

    private void retry(Duration delay) {
        loop.schedule(() -> {
            if (!retrying || closed) {
                return;
            }
            retrying = false;
            if (state != State.CONNECTING) {
                sync();
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean isRetryable(KeeperException e) {
        return switch (e.code()) {
            case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONMOVED, SESSIONEXPIRED -> true;
            default -> false;
        };
    }

    private void closeHandle() {
        try {
            if (zk != null) {
                zk.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the session: owned ephemeral znodes disappear at once. */
    @Override
    public void close() {
        try {
            loop.submit(() -> {
                closed = true;
                owned.values().forEach(c -> c.complete(false));
                owned.clear();
                closeHandle();
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Closing group {}: {}", znode, e.toString());
        }
        loop.shutdownNow();
    }
}
