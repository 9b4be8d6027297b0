package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static dev.corral.server.ensemble.process.ProcessEnsemble.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's ensemble tests with real processes: three Corral JVMs (tickTime 200, initLimit 10, syncLimit 5),
 * killed, paused, restarted and wiped while stock clients work against them. Every test ends by comparing the trees
 * of all servers. Times are printed as {@code [ensemble-times] ...} lines (see docs/ensemble-tests.md).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EnsembleProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ProcessEnsemble ensemble(TestInfo info) {
        return new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName());
    }

    private static void times(String format, Object... args) {
        System.out.printf("[ensemble-times] %s%n", String.format(format, args));
    }

    /** The harness itself: roles by srvr, writes through every server, digests that see a difference. */
    @Test
    void harnessStartsThreeServersAndComparesTheirTrees(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = ensemble(info)) {
            long t0 = System.nanoTime();
            int leader = ensemble.startAll();
            times("start-up: three JVMs to a stable leader in %d ms", ms(t0));
            for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                assertThat(ensemble.mode(id)).isEqualTo(id == leader ? "leader" : "follower");
                try (ZooKeeper zk = ensemble.client(id, 10_000, null)) {
                    zk.create("/via" + id, ("from " + id).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                }
            }
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            assertThat(tree.keySet()).contains("/", "/via1", "/via2", "/via3");
            // A paused server does not answer srvr; resumed, it does again.
            int follower = leader % 3 + 1;
            ensemble.pause(follower);
            assertThat(ensemble.fourLetter(follower, "srvr")).isNull();
            ensemble.resume(follower);
            ensemble.awaitMode(follower, "follower", LONG);
            // The digest sees a change a server holds and the others do not: compare one server's tree before and
            // after a write elsewhere, without a sync in between mattering (the tree is read after one).
            TreeMap<String, String> before = ensemble.tree(follower);
            try (ZooKeeper zk = ensemble.client(leader, 10_000, null)) {
                zk.setData("/via1", "changed".getBytes(), -1);
            }
            TreeMap<String, String> after = ensemble.tree(follower);
            assertThat(ProcessEnsemble.digest(after)).isNotEqualTo(ProcessEnsemble.digest(before));
            ensemble.assertSameTrees(LONG);
        }
    }

    /** kill -9 of the leader under write load: a new leader, writes resume, no acknowledged create is lost. */
    @Test
    void leaderKilledUnderWriteLoadLosesNoAcknowledgedWrite(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = ensemble(info)) {
            int leader = ensemble.startAll();
            try (ZooKeeper zk = ensemble.client(leader, 10_000, null)) {
                zk.create("/load", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            WriteLoad load = new WriteLoad(ensemble, "/load", 3, 16, 15_000).start();
            try {
                ensemble.await(() -> load.acknowledged.size() >= 300, LONG, "300 acknowledged creates");
                int ackedAtKill = load.acknowledged.size();
                long killedAt = System.nanoTime();
                load.mark(killedAt);
                ensemble.kill(leader);
                ensemble.await(() -> ensemble.leader() > 0, LONG, "srvr to show a new leader");
                long electionMs = ms(killedAt);
                int newLeader = ensemble.awaitStable(LONG);
                long servingMs = ms(killedAt);
                assertThat(newLeader).isNotEqualTo(leader);
                ensemble.await(() -> load.firstAckAfterMark() != Long.MAX_VALUE, LONG,
                        "a create issued after the kill to be acknowledged");
                long resumeMs = TimeUnit.NANOSECONDS.toMillis(load.firstAckAfterMark() - killedAt);
                ensemble.await(() -> load.acknowledged.size() >= ackedAtKill + 300, LONG,
                        "300 more acknowledged creates after the kill");
                times("leader kill -9 under load: new leader %d by srvr after %d ms, all serving sessions after %d ms; "
                        + "first create issued after the kill acknowledged %d ms after it", newLeader, electionMs,
                        servingMs, resumeMs);
            } finally {
                load.stop();
            }
            log("load: %d acknowledged, %d attempted, errors %s", load.acknowledged.size(), load.attempted.size(),
                    load.errors);
            ensemble.start(leader);
            ensemble.awaitMode(leader, "follower", LONG);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            Set<String> present = tree.keySet().stream().filter(p -> p.startsWith("/load/"))
                    .collect(Collectors.toSet());
            assertThat(load.acknowledged).as("acknowledged creates missing").isSubsetOf(present);
            assertThat(present).as("nodes nobody created").isSubsetOf(load.attempted);
        }
    }

    /** Creates, changes and deletes nodes under {@code parent} through server {@code via}; waits for every reply. */
    private static void churn(ProcessEnsemble ensemble, int via, String parent, int round, int creates)
            throws Exception {
        try (ZooKeeper zk = ensemble.client(via, 10_000, null)) {
            if (zk.exists(parent, false) == null) {
                zk.create(parent, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(creates);
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < creates; i++) {
                zk.create(parent + "/r" + round + "-" + i, ("r" + round + "-" + i).getBytes(),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, c, n) -> {
                            if (rc != 0) {
                                failed.incrementAndGet();
                            }
                            done.countDown();
                        }, null);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(failed.get()).as("failed creates").isZero();
            for (int i = 0; i < creates; i += 3) {
                zk.setData(parent + "/r" + round + "-" + i, ("changed " + i).getBytes(), -1);
            }
            for (int i = 1; i < creates; i += 5) {
                zk.delete(parent + "/r" + round + "-" + i, -1);
            }
        }
    }

    /** Restarts a follower that is down and measures how long it takes to catch up; returns the log it printed. */
    private static String restartAndCatchUp(ProcessEnsemble ensemble, int follower, int leader, String what)
            throws Exception {
        long target = ensemble.zxid(leader);
        assertThat(target).isPositive();
        long launched = System.nanoTime();
        ensemble.start(follower);
        long servingMs = ms(launched);
        ensemble.await(() -> "follower".equals(ensemble.mode(follower)) && ensemble.zxid(follower) >= target, LONG,
                "server " + follower + " to follow at zxid 0x" + Long.toHexString(target));
        long caughtUpMs = ms(launched);
        ensemble.assertSameTrees(LONG);
        long digestMs = ms(launched);
        times("%s: restarted follower %d serving its port after %d ms, at the leader's zxid 0x%x (srvr) after %d ms, "
                + "digests equal after %d ms (all from launch)", what, follower, servingMs, target, caughtUpMs,
                digestMs);
        return ensemble.output(follower);
    }

    /** A follower restarted after kill -9 catches up from the leader's log (DIFF), not by a snapshot. */
    @Test
    void restartedFollowerCatchesUpByDiff(TestInfo info) throws Exception {
        // Their own temporary directory, to see what the servers leave there (RocksNative).
        Path tmp = Files.createDirectories(dir.resolve("java-tmp"));
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName(),
                java.util.List.of("-Djava.io.tmpdir=" + tmp))) {
            int leader = ensemble.startAll();
            int follower = leader % 3 + 1;
            int other = follower % 3 + 1;
            churn(ensemble, follower, "/data", 0, 300);
            ensemble.assertSameTrees(LONG);

            ensemble.kill(follower);
            churn(ensemble, other, "/data", 1, 300);
            String log = restartAndCatchUp(ensemble, follower, leader, "DIFF");
            assertThat(log).as("server %d caught up without a snapshot", follower).doesNotContain("synced by SNAP");
            // It keeps following: one more round of writes through it reaches everyone.
            churn(ensemble, follower, "/data", 2, 50);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            assertThat(tree).containsKeys("/data/r0-0", "/data/r1-0", "/data/r2-0")
                    .doesNotContainKeys("/data/r1-1", "/data/r2-1");
            try (ZooKeeper zk = ensemble.client(follower, 10_000, null)) {
                assertThat(new String(zk.getData("/data/r1-3", false, null))).isEqualTo("changed 3");
            }
            // Four starts and a kill -9: one shared copy of RocksDB's library, no per-start copy left behind.
            try (var files = Files.walk(tmp)) {
                assertThat(files.filter(f -> f.getFileName().toString().endsWith(".so")).map(tmp::relativize)
                        .map(Path::toString).toList())
                        .singleElement().asString().matches("corral-native-[^/]+/rocksdbjni-[0-9a-f]+/librocksdb.*");
            }
        }
    }

    /** The line RocksZnodeStore logs when it opens, with the zxid its tree holds. */
    private static final Pattern STORE_OPENED =
            Pattern.compile("Opened store \\S+ in \\d+ ms: lastZxid=0x(\\p{XDigit}+)");

    /**
     * kill -9 of every server at once. Their trees have no WAL (the ZAB log holds every txn): each restarts at its
     * last flush, behind what it had applied, and re-applies the committed rest from its log. The log is trimmed
     * every 100 commits here, so a trim that let the log forget more than the tree had flushed would show too.
     */
    @Test
    void killingEveryServerLosesNoAcknowledgedWrite(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName(),
                java.util.List.of("-Dcorral.logTrimInterval=100"))) {
            int leader = ensemble.startAll();
            churn(ensemble, leader % 3 + 1, "/data", 0, 300);
            TreeMap<String, String> before = ensemble.assertSameTrees(LONG);
            long zxidBefore = ensemble.zxid(leader);
            for (int id = 1; id <= 3; id++) {
                ensemble.kill(id);
            }
            ensemble.startAll();
            for (int id = 1; id <= 3; id++) {
                Matcher m = STORE_OPENED.matcher(ensemble.output(id));
                assertThat(m.find()).as("server %d logged its store's zxid at start", id).isTrue();
                assertThat(Long.parseLong(m.group(1), 16)).as("server %d's tree restarted at its last flush", id)
                        .isLessThan(zxidBefore);
            }
            TreeMap<String, String> after = ensemble.assertSameTrees(LONG);
            assertThat(after).as("every server holds every acknowledged write, as before the kill").isEqualTo(before);
            churn(ensemble, leader, "/data", 1, 50);
            assertThat(ensemble.assertSameTrees(LONG)).containsKeys("/data/r0-0", "/data/r1-0");
        }
    }

    /**
     * A follower whose data directory was wiped (all but myid) catches up by SNAP: the servers trim their ZAB log
     * every 100 commits ({@code corral.logTrimInterval}), so the leader no longer holds the history from zxid 0.
     */
    @Test
    void wipedFollowerCatchesUpBySnapshot(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName(),
                java.util.List.of("-Dcorral.logTrimInterval=100"))) {
            int leader = ensemble.startAll();
            int follower = leader % 3 + 1;
            int other = follower % 3 + 1;
            churn(ensemble, follower, "/data", 0, 300);
            ensemble.kill(follower);
            ensemble.wipe(follower);
            churn(ensemble, other, "/data", 1, 300);
            String log = restartAndCatchUp(ensemble, follower, leader, "SNAP");
            assertThat(log).as("server %d (wiped) caught up by a snapshot", follower).contains("synced by SNAP");
            churn(ensemble, follower, "/data", 2, 50);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            assertThat(tree).containsKeys("/data/r0-0", "/data/r1-0", "/data/r2-0")
                    .doesNotContainKeys("/data/r0-1", "/data/r1-1", "/data/r2-1");
        }
    }

    /**
     * SIGSTOP of the leader: the others elect a new one. Creates sent to the paused leader meanwhile wait in its
     * socket buffer; resumed, it reads them as the leader of an epoch that is over and may propose them into its own
     * log, but no quorum acknowledges them: it rejoins as a follower, and none of them exists anywhere.
     */
    @Test
    void pausedLeaderIsReplacedAndRejoinsWithoutItsUncommittedWrites(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = ensemble(info)) {
            int old = ensemble.startAll();
            churn(ensemble, old, "/data", 0, 100);
            int follower = old % 3 + 1;
            java.util.Map<String, Integer> ghostResults = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.CountDownLatch ghostsAnswered = new java.util.concurrent.CountDownLatch(30);
            java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
            // Only the old leader in its list: its requests can go nowhere else. A long session so that it does not
            // give up on the paused server before it is resumed.
            try (ZooKeeper stuck = ensemble.client(old, 30_000, e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.Expired) {
                    expired.set(true);
                }
            })) {
                ensemble.pause(old);
                long pausedAt = System.nanoTime();
                for (int i = 0; i < 30; i++) {
                    stuck.create("/ghost-" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, c, n) -> {
                                ghostResults.put(p, rc);
                                ghostsAnswered.countDown();
                            }, null);
                }
                ensemble.await(() -> ensemble.leader() > 0, LONG, "srvr to show a new leader");
                long electionMs = ms(pausedAt);
                int next = ensemble.awaitStable(LONG);
                long servingMs = ms(pausedAt);
                assertThat(next).isNotEqualTo(old);
                churn(ensemble, follower, "/after", 0, 50);
                assertThat(ghostResults).as("answers while the leader is paused").isEmpty();

                long resumedAt = System.nanoTime();
                ensemble.resume(old);
                ensemble.awaitMode(old, "follower", LONG);
                long rejoinMs = ms(resumedAt);
                assertThat(ensemble.awaitStable(LONG)).as("leader after the old one rejoined").isEqualTo(next);
                times("paused leader %d: new leader %d by srvr after %d ms, serving sessions after %d ms; resumed, it "
                        + "was a serving follower again after %d ms", old, next, electionMs, servingMs, rejoinMs);
                assertThat(ghostsAnswered.await(60, TimeUnit.SECONDS)).as("every create sent to the paused leader "
                        + "answered").isTrue();
                log("creates sent to the paused leader: %s", ghostResults.values().stream()
                        .collect(Collectors.groupingBy(rc -> org.apache.zookeeper.KeeperException.Code.get(rc),
                                Collectors.counting())));
                log("old leader's log after resuming:\n%s", ensemble.output(old).lines()
                        .filter(l -> l.contains("ZabDriver") || l.contains("ReplicatedWritePath"))
                        .collect(Collectors.joining("\n")));
                TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
                for (var e : ghostResults.entrySet()) {
                    if (e.getValue() == 0) {
                        assertThat(tree).as("acknowledged %s", e.getKey()).containsKey(e.getKey());
                    } else {
                        assertThat(tree).as("%s, answered %s, was never committed", e.getKey(),
                                org.apache.zookeeper.KeeperException.Code.get(e.getValue()))
                                .doesNotContainKey(e.getKey());
                    }
                }
                assertThat(tree).containsKeys("/data/r0-0", "/after/r0-0");
                // The old leader serves as a follower: writes through it commit.
                churn(ensemble, old, "/after", 1, 20);
                // Gone from its log too, not just never applied: kill the new leader so that the old one may lead
                // again (or follow the third server), and look for them once more.
                ensemble.kill(next);
                int third = ensemble.awaitStable(LONG);
                log("after killing leader %d: leader %d", next, third);
                ensemble.start(next);
                ensemble.awaitMode(next, "follower", LONG);
                TreeMap<String, String> last = ensemble.assertSameTrees(LONG);
                assertThat(last.keySet().stream().filter(k -> k.startsWith("/ghost")))
                        .as("creates the paused leader never committed").isEmpty();
                assertThat(last).containsKeys("/after/r1-0");
            }
        }
    }

    /**
     * Two of three servers down: the one left (the leader) steps down; its client's requests fail with
     * CONNECTIONLOSS and it refuses new sessions, as a ZooKeeper server without a quorum does. Once the others are
     * back, the same client writes again.
     */
    @Test
    void aMinorityCannotCommit(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = ensemble(info)) {
            int lone = ensemble.startAll();
            java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
            try (ZooKeeper zk = ensemble.client(lone, 30_000, e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.Expired) {
                    expired.set(true);
                }
            })) {
                long session = zk.getSessionId();
                zk.create("/before", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                long stoppedAt = System.nanoTime();
                for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                    if (id != lone) {
                        ensemble.kill(id);
                    }
                }
                ensemble.await(() -> "not serving".equals(ensemble.mode(lone)), LONG,
                        "server " + lone + " to stop leading");
                long stepDownMs = ms(stoppedAt);
                // Writes and reads through the lone server fail with CONNECTIONLOSS, for as long as we try.
                java.util.Map<String, Integer> outcomes = new TreeMap<>();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                for (int i = 0; System.nanoTime() < until; i++) {
                    try {
                        zk.create("/minority-" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                        outcomes.merge("create OK", 1, Integer::sum);
                    } catch (org.apache.zookeeper.KeeperException e) {
                        outcomes.merge("create " + e.code(), 1, Integer::sum);
                    }
                    try {
                        zk.exists("/before", false);
                        outcomes.merge("exists OK", 1, Integer::sum);
                    } catch (org.apache.zookeeper.KeeperException e) {
                        outcomes.merge("exists " + e.code(), 1, Integer::sum);
                    }
                    ProcessEnsemble.sleep(100);
                }
                log("requests through the lone server: %s", outcomes);
                assertThat(outcomes.keySet()).as("outcomes without a quorum")
                        .containsOnly("create CONNECTIONLOSS", "exists CONNECTIONLOSS");
                // A new client gets no session from it.
                java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
                ZooKeeper fresh = new ZooKeeper(ensemble.connectString(lone), 10_000, e -> {
                    if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                });
                try {
                    assertThat(connected.await(4, TimeUnit.SECONDS)).as("a session from a server without quorum")
                            .isFalse();
                } finally {
                    fresh.close(500);
                }
                assertThat(ensemble.mode(lone)).isEqualTo("not serving");

                long restartedAt = System.nanoTime();
                for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                    if (id != lone) {
                        ensemble.start(id);
                    }
                }
                ensemble.awaitStable(LONG);
                long quorumMs = ms(restartedAt);
                ensemble.await(() -> {
                    try {
                        zk.create("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                        return true;
                    } catch (org.apache.zookeeper.KeeperException.ConnectionLossException e) {
                        return false;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, LONG, "a write through the same client");
                long writeMs = ms(restartedAt);
                times("minority: lone leader %d looking %d ms after the two others were killed; after restarting "
                        + "them, a stable leader after %d ms and the first write %d ms (from launch)", lone,
                        stepDownMs, quorumMs, writeMs);
                assertThat(zk.getSessionId()).isEqualTo(session);
                assertThat(expired).isFalse();
                TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
                assertThat(tree).containsKeys("/before", "/after");
                assertThat(tree.keySet().stream().filter(k -> k.startsWith("/minority"))).isEmpty();
            }
        }
    }

    /** Events a client's default watcher saw, as "Type path" (session events as "State"). */
    private static final class Events implements org.apache.zookeeper.Watcher {
        final java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void process(org.apache.zookeeper.WatchedEvent e) {
            seen.add(e.getType() == Event.EventType.None ? e.getState().toString() : e.getType() + " " + e.getPath());
        }
    }

    /**
     * Sessions, their ephemerals and their watches outlive a leader failover, and a client whose server is killed
     * moves to another one (all three in its list) with its session id, its ephemeral and its watches: a watch set
     * before the move fires after it.
     */
    @Test
    void sessionsEphemeralsAndWatchesSurviveFailoverAndMoveBetweenServers(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = ensemble(info)) {
            int leader = ensemble.startAll();
            int follower = leader % 3 + 1;
            OrderedHosts onLeader = ensemble.hostsPreferring(leader);
            OrderedHosts onFollower = ensemble.hostsPreferring(follower);
            Events leaderEvents = new Events();
            Events followerEvents = new Events();
            try (ZooKeeper a = ensemble.connect(onLeader, 15_000, leaderEvents);
                    ZooKeeper b = ensemble.connect(onFollower, 15_000, followerEvents)) {
                assertThat(ensemble.serverOf(onLeader)).isEqualTo(leader);
                assertThat(ensemble.serverOf(onFollower)).isEqualTo(follower);
                long sessionA = a.getSessionId();
                long sessionB = b.getSessionId();
                a.create("/eph-a", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                b.create("/eph-b", "b".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                b.create("/kids", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                // Watches set before anything moves.
                assertThat(a.exists("/w-a", true)).isNull();
                assertThat(b.exists("/w-b", true)).isNull();
                assertThat(b.getChildren("/kids", true)).isEmpty();
                a.getData("/eph-b", true, null);

                // 1. The leader dies; client a was on it.
                long killedAt = System.nanoTime();
                ensemble.kill(leader);
                ensemble.await(() -> ensemble.leader() > 0, LONG, "srvr to show a new leader");
                long electionMs = ms(killedAt);
                int next = ensemble.awaitStable(LONG);
                long servingMs = ms(killedAt);
                ensemble.await(() -> a.getState().isConnected() && ensemble.serverOf(onLeader) != leader, LONG,
                        "client a to reconnect elsewhere");
                long movedMs = ms(killedAt);
                ensemble.await(() -> b.getState().isConnected(), LONG, "client b to be connected");
                times("sessions: leader %d killed, new leader %d by srvr after %d ms, serving sessions after %d ms; "
                        + "its client back on server %d with its session after %d ms", leader, next, electionMs, servingMs,
                        ensemble.serverOf(onLeader), movedMs);
                assertThat(a.getSessionId()).isEqualTo(sessionA);
                assertThat(b.getSessionId()).isEqualTo(sessionB);
                checkEphemerals(ensemble, next, sessionA, sessionB);

                // 2. The old leader comes back; then the server client b is on dies.
                ensemble.start(leader);
                ensemble.awaitMode(leader, "follower", LONG);
                int bServer = ensemble.serverOf(onFollower);
                assertThat(bServer).isPositive();
                long bKilledAt = System.nanoTime();
                ensemble.kill(bServer);
                ensemble.awaitStable(LONG);
                ensemble.await(() -> b.getState().isConnected() && ensemble.serverOf(onFollower) != bServer, LONG,
                        "client b to reconnect elsewhere");
                times("sessions: server %d (client b's) killed; b back on server %d with its session after %d ms",
                        bServer, ensemble.serverOf(onFollower), ms(bKilledAt));
                assertThat(b.getSessionId()).isEqualTo(sessionB);
                assertThat(a.getSessionId()).isEqualTo(sessionA);
                int up = bServer % 3 + 1;
                checkEphemerals(ensemble, up, sessionA, sessionB);

                // 3. The watches set before the moves fire after them.
                try (ZooKeeper other = ensemble.client(up, 10_000, null)) {
                    other.create("/w-a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    other.create("/w-b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    other.create("/kids/x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    other.setData("/eph-b", "b2".getBytes(), -1);
                }
                ensemble.await(() -> leaderEvents.seen.containsAll(java.util.List.of("NodeCreated /w-a",
                        "NodeDataChanged /eph-b")) && followerEvents.seen.containsAll(java.util.List.of(
                        "NodeCreated /w-b", "NodeChildrenChanged /kids")), LONG,
                        "watches set before the moves to fire; a saw " + leaderEvents.seen + ", b saw "
                                + followerEvents.seen);
                log("client a saw %s; client b saw %s", leaderEvents.seen, followerEvents.seen);
                assertThat(leaderEvents.seen).doesNotContain("Expired");
                assertThat(followerEvents.seen).doesNotContain("Expired");

                ensemble.start(bServer);
                ensemble.awaitMode(bServer, "follower", LONG);
                TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
                assertThat(tree).containsKeys("/eph-a", "/eph-b", "/w-a", "/w-b", "/kids/x");
                // 4. A session that closes takes its ephemeral with it, everywhere.
                b.close();
                TreeMap<String, String> afterClose = ensemble.assertSameTrees(LONG);
                assertThat(afterClose).containsKey("/eph-a").doesNotContainKey("/eph-b");
            }
        }
    }

    private static void checkEphemerals(ProcessEnsemble ensemble, int via, long sessionA, long sessionB)
            throws Exception {
        try (ZooKeeper probe = ensemble.client(via, 10_000, null)) {
            probe.sync("/", (rc, p, c) -> { }, null);
            org.apache.zookeeper.data.Stat a = probe.exists("/eph-a", false);
            org.apache.zookeeper.data.Stat b = probe.exists("/eph-b", false);
            assertThat(a).as("/eph-a on server %d", via).isNotNull();
            assertThat(b).as("/eph-b on server %d", via).isNotNull();
            assertThat(a.getEphemeralOwner()).isEqualTo(sessionA);
            assertThat(b.getEphemeralOwner()).isEqualTo(sessionB);
        }
    }
}
