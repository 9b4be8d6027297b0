package dev.corral.mesos.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.cli.CorralMesos;
import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.state.TaskRecord;
import dev.corral.mesos.support.CorralEnsemble;
import dev.corral.mesos.support.ZkTarget;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The demo's failover scenarios with a real three-node Corral ensemble (three server processes from the shaded jar)
 * as the coordination service, and the Corral leader itself killed with kill -9 in the middle of them. Runs when
 * {@code -Dcorral.jar=<coord-server-…-all.jar>} is given ({@code scripts/test-mesos-on-corral} does; CI runs that).
 *
 * <p>What must hold, each time: one scheduler instance leads, at the epoch expected for the takeovers that happened
 * and no more (a session lost to the Corral failover would cost an extra election); the FrameworkID never changes;
 * every task is live and was launched exactly once (the test cluster counts launches); reconciliation completes
 * after every (re)subscription.
 */
@EnabledIfSystemProperty(named = "corral.jar", matches = ".+")
class CorralEnsembleFailoverTest {

    /** Schedulers', masters' and tools' ZooKeeper session timeout (inside the 1..10 s that tickTime 500 allows). */
    private static final Duration SESSION = Duration.ofSeconds(6);
    private static final SchedulerConnection.Settings FAST =
            new SchedulerConnection.Settings(Duration.ofMillis(50), Duration.ofMillis(500), 5, Duration.ofSeconds(5));
    private static final int TASKS = 3;

    private static CorralEnsemble ensemble;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startEnsemble() throws Exception {
        Path dir = Path.of("target", "corral-ensemble-" + ProcessHandle.current().pid()).toAbsolutePath();
        ensemble = new CorralEnsemble(CorralEnsemble.jarFromProperty().orElseThrow(), dir);
        ensemble.start();
        log("ensemble up at %s (%s); logs under %s", ensemble.connectString(), ensemble.modes(), dir);
    }

    @AfterAll
    static void stopEnsemble() {
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @AfterEach
    void closeAllAndHealTheEnsemble() throws Exception {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        ensemble.start(); // brings back a member a test killed
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(0, c);
        return c;
    }

    private static void log(String format, Object... args) {
        System.out.printf("%tT.%<tL [corral-ensemble] %s%n", System.currentTimeMillis(), String.format(format, args));
    }

    private record Instance(CuratorFramework client, FrameworkScheduler scheduler) {
        long sessionId() throws Exception {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        }

        int epoch() {
            return scheduler.election().fence().orElseThrow().epoch();
        }
    }

    private Instance instance(ZkUrl masters, FrameworkPaths paths, String name, String address) throws Exception {
        CuratorFramework client = closeLater(Coordination.connect(ZkUrl.parse("zk://" + ensemble.connectString() + "/"), SESSION));
        MasterDetector detector = closeLater(new MasterDetector(masters, SESSION));
        SchedulerConfig config = SchedulerConfig.of(name, Duration.ofMinutes(5), new TaskSpec("sleep 120", 0.2, 32, TASKS), address)
                .withTiming(FAST, Duration.ofMillis(500));
        FrameworkScheduler scheduler = closeLater(new FrameworkScheduler(client, new StateStore(client, paths), detector, config));
        scheduler.start();
        return new Instance(client, scheduler);
    }

    private static boolean allRunning(StateStore store) throws Exception {
        List<TaskRecord> tasks = store.tasks();
        return tasks.size() == TASKS && tasks.stream().allMatch(t -> t.state().equals("TASK_RUNNING"));
    }

    /** Live tasks = TASKS, each launched once on an agent and recorded with one launch. */
    private static void assertNothingLostOrLaunchedTwice(TestCluster cluster, StateStore store) throws Exception {
        Thread.sleep(1000); // several allocation rounds: a second launch would show by now
        assertThat(cluster.launchCounts()).hasSize(TASKS).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1));
        assertThat(cluster.liveTasks()).isEqualTo(TASKS);
        assertThat(store.tasks()).hasSize(TASKS).allSatisfy(t -> {
            assertThat(t.state()).as(t.taskId()).isEqualTo("TASK_RUNNING");
            assertThat(t.launches()).as(t.taskId()).isEqualTo(1);
        });
    }

    private int killTheCorralLeader() throws InterruptedException {
        int leader = ensemble.leader().orElseThrow(() -> new AssertionError("no Corral leader: " + ensemble.modes()));
        ensemble.kill(leader);
        log("Corral leader, server %d, killed (kill -9)", leader);
        return leader;
    }

    /**
     * The leading scheduler's process and the Corral leader die at the same moment: the dead scheduler's session
     * must still expire (on the new Corral leader), the standby must win, and nobody else's session may be lost.
     */
    @Test
    void theLeadingSchedulerProcessAndTheCorralLeaderAreKilledTogether() throws Exception {
        String root = ZkTarget.uniqueRoot("ens-kill9");
        String mastersUrl = "zk://" + ensemble.connectString() + root + "/mesos";
        String stateUrl = "zk://" + ensemble.connectString() + root + "/corral";
        ZkUrl masters = ZkUrl.parse(mastersUrl);
        FrameworkPaths paths = FrameworkPaths.of(root + "/corral", "ek");
        TestCluster cluster = closeLater(new TestCluster(2, new Resources(1, 256), Duration.ofMillis(300)));
        TestMaster m1 = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());
        await().atMost(Duration.ofSeconds(15)).until(m1::isLeading);
        TestMaster m2 = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());

        Path log = ensemble.dir().resolve("scheduler-ek-s1.log");
        Process s1 = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                CorralMesos.class.getName(), "run",
                "--master", mastersUrl, "--zk", stateUrl, "--framework-name", "ek",
                "--zk-session-timeout", SESSION.toMillis() + "ms", "--failover-timeout", "5m",
                "--command", "sleep 120", "--cpus", "0.2", "--mem", "32", "--instances", Integer.toString(TASKS),
                "--advertise", "s1"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        closeLater(s1::destroyForcibly);
        CuratorFramework observer = closeLater(Coordination.connect(ZkUrl.parse(stateUrl), SESSION));
        StateStore store = new StateStore(observer, paths);
        await().atMost(Duration.ofSeconds(60)).until(() -> allRunning(store));
        FrameworkID id = store.frameworkId().orElseThrow();
        assertThat(observer.checkExists().forPath(paths.epoch()).getVersion()).isEqualTo(1);

        Instance s2 = instance(masters, paths, "ek", "s2");
        await().atMost(Duration.ofSeconds(15)).until(() -> observer.getChildren().forPath(paths.election()).size() == 2);
        assertThat(s2.scheduler().isLeader()).isFalse();
        long observerSession = observer.getZookeeperClient().getZooKeeper().getSessionId();

        long t0 = System.nanoTime();
        s1.destroyForcibly();
        killTheCorralLeader();
        s1.waitFor();

        await().atMost(Duration.ofSeconds(45)).until(() -> s2.scheduler().isLeader());
        log("s2 leads %d ms after the kills", (System.nanoTime() - t0) / 1_000_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> s2.scheduler().isReconciled());
        log("s2 reconciled %d ms after the kills; ensemble %s", (System.nanoTime() - t0) / 1_000_000, ensemble.modes());

        assertThat(s2.epoch()).as("exactly one takeover").isEqualTo(2);
        assertThat(s2.scheduler().election().leaderAddress()).contains("s2");
        assertThat(store.frameworkId()).contains(id);
        assertThat(m1.isLeading()).as("the leading master's session survived the Corral failover").isTrue();
        assertThat(m2.isLeading()).isFalse();
        assertThat(m1.connectedFrameworks()).isEqualTo(1);
        assertThat(observer.getZookeeperClient().getZooKeeper().getSessionId()).isEqualTo(observerSession);
        assertThat(observer.getChildren().forPath(paths.election())).hasSize(1);
        assertNothingLostOrLaunchedTwice(cluster, store);
        String childLog = Files.readString(log);
        assertThat(childLog).contains("Reconciliation completed: framework=" + id.getValue() + " epoch=1");
    }

    /**
     * The Corral leader and the leading Mesos master die together under a running framework. The schedulers' and the
     * standby master's sessions must survive the Corral failover (same session ids, same scheduler epoch), the leader
     * must find the new master through the ensemble, resubscribe, reconcile and store the answers through the new
     * Corral leader. Then, on the healed ensemble, the new Corral leader is killed as the leading scheduler stops:
     * the standby takes over once, with the same FrameworkID and nothing launched again.
     */
    @Test
    void sessionsRideThroughCorralLeaderKillsWhileTheMasterAndThenTheSchedulerFailOver() throws Exception {
        String root = ZkTarget.uniqueRoot("ens-ride");
        ZkUrl masters = ZkUrl.parse("zk://" + ensemble.connectString() + root + "/mesos");
        FrameworkPaths paths = FrameworkPaths.of(root + "/corral", "er");
        TestCluster cluster = closeLater(new TestCluster(2, new Resources(1, 256), Duration.ofMillis(300)));
        TestMaster m1 = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());
        await().atMost(Duration.ofSeconds(15)).until(m1::isLeading);
        TestMaster m2 = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());

        Instance s1 = instance(masters, paths, "er", "s1");
        await().atMost(Duration.ofSeconds(15)).until(() -> s1.scheduler().isLeader());
        Instance s2 = instance(masters, paths, "er", "s2");
        StateStore store = new StateStore(s2.client(), paths);
        await().atMost(Duration.ofSeconds(60)).until(() -> allRunning(store) && s1.scheduler().isReconciled());
        FrameworkID id = store.frameworkId().orElseThrow();
        assertThat(s1.epoch()).isEqualTo(1);
        long session1 = s1.sessionId();
        long session2 = s2.sessionId();
        long taskMzxid = s2.client().checkExists().forPath(paths.task("er-0")).getMzxid();
        int reconciliations = s1.scheduler().reconciliations();

        // 1. The Corral leader and the leading master, together.
        long t0 = System.nanoTime();
        int killed = killTheCorralLeader();
        m1.close();
        await().atMost(Duration.ofSeconds(30)).until(m2::isLeading);
        await().atMost(Duration.ofSeconds(30)).until(() -> s1.scheduler().reconciliations() > reconciliations
                && s1.scheduler().isReconciled());
        log("s1 resubscribed to m2 and reconciled %d ms after the kills; ensemble %s",
                (System.nanoTime() - t0) / 1_000_000, ensemble.modes());
        // Past the session timeout: a session lost to the Corral failover would have been noticed by now.
        while (System.nanoTime() - t0 < SESSION.toNanos() + 2_000_000_000L) {
            Thread.sleep(200);
        }
        assertThat(s1.scheduler().isLeader()).isTrue();
        assertThat(s1.epoch()).as("no re-election").isEqualTo(1);
        assertThat(s2.scheduler().isLeader()).isFalse();
        assertThat(s1.sessionId()).isEqualTo(session1);
        assertThat(s2.sessionId()).isEqualTo(session2);
        assertThat(s2.client().getChildren().forPath(paths.election())).hasSize(2);
        assertThat(m2.connectedFrameworks()).isEqualTo(1);
        assertThat(store.frameworkId()).contains(id);
        assertThat(s2.client().checkExists().forPath(paths.task("er-0")).getMzxid())
                .as("reconciliation's answers were stored (fenced) through the new Corral leader").isGreaterThan(taskMzxid);
        assertNothingLostOrLaunchedTwice(cluster, store);

        // 2. The ensemble heals; then its new leader dies as the leading scheduler stops.
        ensemble.start();
        log("server %d back; ensemble %s", killed, ensemble.modes());
        t0 = System.nanoTime();
        killTheCorralLeader();
        s1.scheduler().close();
        s1.client().close();
        await().atMost(Duration.ofSeconds(30)).until(() -> s2.scheduler().isLeader());
        await().atMost(Duration.ofSeconds(20)).until(() -> s2.scheduler().isReconciled());
        log("s2 leads and reconciled %d ms after the kill; ensemble %s", (System.nanoTime() - t0) / 1_000_000, ensemble.modes());
        assertThat(s2.epoch()).as("exactly one takeover").isEqualTo(2);
        assertThat(s2.sessionId()).isEqualTo(session2);
        assertThat(store.frameworkId()).contains(id);
        assertThat(m2.connectedFrameworks()).isEqualTo(1);
        assertNothingLostOrLaunchedTwice(cluster, store);
    }
}
