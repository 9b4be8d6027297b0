package dev.corral.server.ensemble.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observers (issue 18) with real processes: three voters and one observer (server 4, {@code server.4=...:observer}
 * and {@code peerType=observer}), run by Corral and, side by side, by Apache ZooKeeper 3.9.5's QuorumPeerMain with the
 * same zoo.cfg files. Stock clients connected to the observer alone read, watch, write (forwarded), create ephemerals
 * and sequentials; two voters down leave no quorum although the observer is up. What the clients see on each side is
 * written down as a list of observations, and the two lists must be equal. Then five voters surviving two kill -9s.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ObserverProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final int OBSERVER = 4;

    @TempDir
    Path dir;

    @Test
    void observerSideBySideWithZooKeeper(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        List<String> corral;
        List<String> zookeeper;
        // Log trims every 100 txns: the wiped observer's restart comes after more than that, so it needs a SNAP.
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir.resolve("corral"), name,
                List.of("-Dcorral.logTrimInterval=100"), 3, 1)) {
            corral = throughTheObserver(ensemble, true);
        }
        try (ProcessEnsemble ensemble = ProcessEnsemble.zookeeper(dir.resolve("zk"), name + "-zookeeper", 3, 1)) {
            zookeeper = throughTheObserver(ensemble, false);
        }
        ProcessEnsemble.log("corral:    %s", corral);
        ProcessEnsemble.log("zookeeper: %s", zookeeper);
        assertThat(corral).isEqualTo(zookeeper);
    }

    /**
     * The steps both servers go through; returns what the clients saw. {@code corral}: also check what only Corral
     * logs (how a restarted observer was synced).
     */
    private static List<String> throughTheObserver(ProcessEnsemble ensemble, boolean corral) throws Exception {
        List<String> seen = new ArrayList<>();
        int leader = ensemble.startAll();
        int other = leader % 3 + 1;
        int third = 6 - leader - other;
        seen.add("observer mode: " + ensemble.mode(OBSERVER));
        seen.add("voter modes: " + ensemble.mode(leader) + " " + ensemble.mode(other) + " " + ensemble.mode(third));
        seen.add("observer mntr: " + mntr(ensemble, OBSERVER, "zk_server_state"));
        seen.add("leader mntr: " + mntr(ensemble, leader, "zk_learners", "zk_synced_followers",
                "zk_synced_non_voting_followers", "zk_synced_observers"));

        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (ZooKeeper obs = ensemble.client(OBSERVER, 10_000, null);
             ZooKeeper voter = ensemble.client(other, 10_000, null)) {
            // Reads of what a voter wrote.
            voter.create("/o", "v0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            sync(obs, "/o");
            seen.add("read: " + new String(obs.getData("/o", false, null), StandardCharsets.UTF_8));
            // Watches set on the observer fire on writes made through a voter.
            obs.getData("/o", e -> events.add(describe(e)), null);
            obs.exists("/o/child", e -> events.add(describe(e)));
            obs.getChildren("/o", e -> events.add(describe(e)));
            voter.setData("/o", "v1".getBytes(), -1);
            voter.create("/o/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<String> fired = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String e = events.poll(20, TimeUnit.SECONDS);
                fired.add(e == null ? "none" : e);
            }
            seen.add("watches: " + fired.stream().sorted().toList());
            // Writes through the observer (forwarded to the leader): plain, ephemeral, sequential.
            obs.create("/o/fromObserver", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            String eph = obs.create("/o/eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            String seq1 = obs.create("/o/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            String seq2 = obs.create("/o/seq-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            seen.add("created: " + eph + " " + seq1 + " " + seq2);
            sync(voter, "/o");
            Stat ephStat = voter.exists("/o/eph", false);
            seen.add("ephemeral owner is the observer's session: " + (ephStat.getEphemeralOwner() == obs.getSessionId()));
            seen.add("voter reads the observer's write: " + new String(voter.getData("/o/fromObserver", false, null),
                    StandardCharsets.UTF_8));
            seen.add("children: " + voter.getChildren("/o", false).stream().sorted().toList());
        }
        seen.add("curator: " + curatorThroughObserver(ensemble));

        // kill -9 of the observer, writes meanwhile, restart: it catches up (DIFF).
        ensemble.kill(OBSERVER);
        writeThrough(ensemble, other, "/afterKill", 20);
        ensemble.start(OBSERVER);
        ensemble.awaitMode(OBSERVER, "observer", LONG);
        ensemble.assertSameTrees(LONG);
        seen.add("restarted observer caught up");
        if (corral) {
            assertThat(ensemble.output(OBSERVER)).as("a restarted observer with its log is synced by DIFF")
                    .doesNotContain("synced by SNAP");
        }
        // Wiped, it catches up from nothing (SNAP).
        ensemble.kill(OBSERVER);
        ensemble.wipe(OBSERVER);
        writeThrough(ensemble, other, "/afterWipe", 120);
        ensemble.start(OBSERVER);
        ensemble.awaitMode(OBSERVER, "observer", LONG);
        TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
        seen.add("wiped observer caught up: " + tree.keySet().stream().filter(p -> p.startsWith("/after")).count());
        if (corral) {
            assertThat(ensemble.output(OBSERVER)).as("a wiped observer is synced by SNAP").contains("synced by SNAP");
        }

        // Two voters down (the leader among them): the observer is up, but one vote of three is no quorum.
        leader = ensemble.leader();
        other = leader % 3 + 1;
        third = 6 - leader - other;
        ensemble.kill(leader);
        ensemble.kill(other);
        ensemble.await(() -> !"observer".equals(ensemble.mode(OBSERVER)), LONG, "the observer to lose its leader");
        seen.add("observer without quorum: " + ensemble.mode(OBSERVER) + ", voter: " + ensemble.mode(third));
        seen.add("write without quorum: " + createWithoutWaitingForASession(ensemble, "/noQuorum"));
        seen.add("observer still without quorum: " + ensemble.mode(OBSERVER));
        // One voter back is a quorum again; writes through the observer resume.
        ensemble.start(other);
        ensemble.awaitMode(OBSERVER, "observer", LONG);
        try (ZooKeeper obs = ensemble.client(OBSERVER, 10_000, null)) {
            seen.add("write with quorum again: " + tryCreate(obs, "/quorumAgain", 30));
        }
        ensemble.start(leader);
        ensemble.awaitStable(LONG);
        ensemble.assertSameTrees(LONG);
        return seen;
    }

    /** A Curator client on the observer alone: nested creates, reads, a mutex (ephemeral sequentials and watches). */
    private static String curatorThroughObserver(ProcessEnsemble ensemble) throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.newClient(ensemble.connectString(OBSERVER), 10_000, 5_000,
                new RetryOneTime(500))) {
            c.start();
            assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            c.create().creatingParentsIfNeeded().forPath("/cur/a/b", "deep".getBytes());
            String read = new String(c.getData().forPath("/cur/a/b"), StandardCharsets.UTF_8);
            InterProcessMutex first = new InterProcessMutex(c, "/cur/lock");
            InterProcessMutex second = new InterProcessMutex(c, "/cur/lock");
            boolean got = first.acquire(10, TimeUnit.SECONDS);
            boolean blocked = !second.acquire(300, TimeUnit.MILLISECONDS);
            first.release();
            boolean then = second.acquire(10, TimeUnit.SECONDS);
            second.release();
            return read + " lock=" + got + " exclusive=" + blocked + " handedOver=" + then;
        }
    }

    /** Five voters: kill -9 two (the leader among them) under write load; nothing acknowledged is lost. */
    @Test
    void fiveVotersSurviveTwoFailures(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName(),
                List.of(), 5, 0)) {
            int leader = ensemble.startAll();
            try (ZooKeeper zk = ensemble.client(leader, 10_000, null)) {
                zk.create("/load", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            int follower = leader % 5 + 1;
            WriteLoad load = new WriteLoad(ensemble, "/load", 3, 16, 15_000).start();
            try {
                ensemble.await(() -> load.acknowledged.size() >= 200, LONG, "200 acknowledged creates");
                int ackedAtKill = load.acknowledged.size();
                ensemble.kill(follower);
                ensemble.kill(leader);
                int newLeader = ensemble.awaitStable(LONG);
                assertThat(newLeader).isNotIn(leader, follower);
                ensemble.await(() -> load.acknowledged.size() >= ackedAtKill + 200, LONG,
                        "200 more acknowledged creates with two of five down");
            } finally {
                load.stop();
            }
            ProcessEnsemble.log("load: %d acknowledged, %d attempted, errors %s", load.acknowledged.size(),
                    load.attempted.size(), load.errors);
            ensemble.start(leader);
            ensemble.start(follower);
            ensemble.awaitStable(LONG);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            Set<String> present = tree.keySet().stream().filter(p -> p.startsWith("/load/"))
                    .collect(Collectors.toSet());
            assertThat(load.acknowledged).as("acknowledged creates missing").isSubsetOf(present);
            assertThat(present).as("nodes nobody created").isSubsetOf(load.attempted);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String mntr(ProcessEnsemble ensemble, int id, String... keys) {
        String text = ensemble.fourLetter(id, "mntr");
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            String value = "absent";
            for (String line : text == null ? new String[0] : text.split("\n")) {
                if (line.startsWith(key + "\t")) {
                    value = line.substring(key.length() + 1).trim();
                }
            }
            out.add(key + "=" + value);
        }
        return String.join(" ", out);
    }

    private static String describe(WatchedEvent e) {
        return e.getType() + " " + e.getPath();
    }

    private static void sync(ZooKeeper zk, String path) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        zk.sync(path, (rc, p, ctx) -> done.countDown(), null);
        assertThat(done.await(20, TimeUnit.SECONDS)).as("sync").isTrue();
    }

    private static void writeThrough(ProcessEnsemble ensemble, int id, String parent, int children) throws Exception {
        try (ZooKeeper zk = ensemble.client(id, 10_000, null)) {
            zk.create(parent, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < children; i++) {
                zk.create(parent + "/n" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        }
    }

    /**
     * What a client connected to the observer alone gets for a create within 8 s: "no session" when the server
     * gives none (a learner without a leader refuses sessions), else the create's outcome.
     */
    private static String createWithoutWaitingForASession(ProcessEnsemble ensemble, String path) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(ensemble.connectString(OBSERVER), 4_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, false, new OrderedHosts(List.of(ensemble.address(OBSERVER))))) {
            if (!connected.await(8, TimeUnit.SECONDS)) {
                return "no session";
            }
            return tryCreate(zk, path, 6);
        }
    }

    /** "OK", or "not acknowledged" if no success within {@code seconds} (errors and silence alike). */
    private static String tryCreate(ZooKeeper zk, String path, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            CountDownLatch done = new CountDownLatch(1);
            AtomicInteger rc = new AtomicInteger(Integer.MIN_VALUE);
            zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (r, p, ctx, n) -> {
                rc.set(r);
                done.countDown();
            }, null);
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (done.await(left, TimeUnit.MILLISECONDS) && (rc.get() == KeeperException.Code.OK.intValue()
                    || rc.get() == KeeperException.Code.NODEEXISTS.intValue())) {
                return "OK";
            }
            Thread.sleep(200);
        }
        return "not acknowledged";
    }
}
