package dev.corral.mesos.ha;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among scheduler instances (Curator's LeaderLatch; each election node holds the instance's address),
 * plus the fence: on winning, the leader bumps the epoch znode in a multi that also checks its own election node
 * still exists, so a leader whose session already died cannot bump. Losing the session (LOST) deposes; a SUSPENDED
 * connection does not (see {@link Coordination}).
 *
 * <p>Listener calls run on one thread, in order.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final CuratorFramework client;
    private final FrameworkPaths paths;
    private final String address;
    private final LeadershipListener listener;
    private final ExecutorService events;
    private final AtomicReference<Fence> fence = new AtomicReference<>();
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private volatile LeaderLatch latch;
    private volatile boolean closed;

    public LeaderElection(CuratorFramework client, FrameworkPaths paths, String address, LeadershipListener listener) {
        this.client = client;
        this.paths = paths;
        this.address = address;
        this.listener = listener;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "leadership " + address);
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void start() throws Exception {
        client.getConnectionStateListenable().addListener(connectionListener);
        contend();
    }

    private void contend() throws Exception {
        LeaderLatch l = new LeaderLatch(client, paths.election(), address, LeaderLatch.CloseMode.NOTIFY_LEADER);
        l.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                won(l);
            }

            @Override
            public void notLeader() {
                lost("election node lost");
            }
        }, events);
        latch = l;
        l.start();
    }

    /** The current fence if this instance leads. */
    public Optional<Fence> fence() {
        return Optional.ofNullable(fence.get());
    }

    public boolean isLeader() {
        return fence.get() != null;
    }

    /** The address in the leading election node, as any instance or tool sees it. */
    public Optional<String> leaderAddress() throws Exception {
        Participant p = latch.getLeader();
        return p.isLeader() ? Optional.of(p.getId()) : Optional.empty();
    }

    /**
     * Gives leadership up, e.g. because a fenced write failed: the election node is deleted (so another instance
     * wins) and this one joins again as a standby.
     */
    public void abdicate(String reason) {
        events.execute(() -> {
            lost(reason);
            try {
                LeaderLatch old = latch;
                old.close(LeaderLatch.CloseMode.SILENT);
                if (!closed) {
                    contend();
                }
            } catch (Exception e) {
                LOG.warn("Rejoining the election failed: {}", e.toString());
            }
        });
    }

    private void won(LeaderLatch l) {
        if (closed || l != latch || !l.hasLeadership()) {
            return;
        }
        try {
            Fence f = bumpEpoch(l.getOurPath());
            fence.set(f);
            LOG.info("Elected leader {} at epoch {}", address, f.epoch());
            listener.elected(f);
        } catch (KeeperException.NoNodeException e) {
            LOG.warn("Won the latch but our election node is gone; not leading");
        } catch (Exception e) {
            LOG.warn("Could not establish the leader epoch: {}; abdicating", e.toString());
            abdicate("could not bump the epoch");
        }
    }

    private Fence bumpEpoch(String ourNode) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(paths.epoch(), new byte[0]);
        } catch (KeeperException.NodeExistsException fine) {
            // Created by an earlier leader.
        }
        byte[] id = address.getBytes(StandardCharsets.UTF_8);
        var results = client.transaction().forOperations(
                client.transactionOp().check().forPath(ourNode),
                client.transactionOp().setData().forPath(paths.epoch(), id));
        CuratorTransactionResult set = results.get(1);
        return new Fence(paths.epoch(), set.getResultStat().getVersion(), address);
    }

    private void lost(String reason) {
        if (fence.getAndSet(null) != null) {
            LOG.warn("Deposed ({}): stopping leader duties", reason);
            listener.deposed(reason);
        }
    }

    private void connectionChanged(CuratorFramework c, ConnectionState state) {
        switch (state) {
            case SUSPENDED -> LOG.warn("ZooKeeper connection suspended; keeping leadership for up to the session timeout");
            case RECONNECTED -> LOG.info("ZooKeeper connection restored");
            case LOST -> events.execute(() -> lost("ZooKeeper session lost"));
            default -> { }
        }
    }

    @Override
    public void close() {
        closed = true;
        client.getConnectionStateListenable().removeListener(connectionListener);
        try {
            events.submit(() -> {
                lost("closed");
                try {
                    latch.close(LeaderLatch.CloseMode.SILENT);
                } catch (Exception e) {
                    LOG.debug("closing latch: {}", e.toString());
                }
            }).get();
        } catch (Exception e) {
            LOG.debug("close: {}", e.toString());
        }
        events.shutdown();
    }
}
