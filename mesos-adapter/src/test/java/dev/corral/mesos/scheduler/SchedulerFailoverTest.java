package dev.corral.mesos.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.config.ConfigStore;
import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.ha.LeaderElection;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.state.TaskRecord;
import dev.corral.mesos.support.Recorder;
import dev.corral.mesos.support.ZkTarget;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's failover scenarios as tests: two scheduler instances and two test masters on the coordination service.
 * Kill the leading scheduler, then the leading master; the standby takes over with the same FrameworkID, no task is
 * lost or launched twice, and reconciliation completes.
 */
class SchedulerFailoverTest {

    private static final Duration SESSION = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);
    private static final SchedulerConnection.Settings FAST =
            new SchedulerConnection.Settings(Duration.ofMillis(50), Duration.ofMillis(500), 5, Duration.ofSeconds(5));

    private final List<AutoCloseable> toClose = new ArrayList<>();

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private record Instance(CuratorFramework client, MasterDetector detector, FrameworkScheduler scheduler, StateStore store) {}

    private Instance instance(ZkUrl masters, FrameworkPaths paths, String address, TaskSpec spec) throws Exception {
        CuratorFramework client = closeLater(Coordination.connect(ZkUrl.parse("zk://" + ZkTarget.connectString() + "/"), SESSION));
        MasterDetector detector = closeLater(new MasterDetector(masters, SESSION));
        StateStore store = new StateStore(client, paths);
        SchedulerConfig config = SchedulerConfig.of(paths.root().substring(paths.root().lastIndexOf('/') + 1),
                Duration.ofMinutes(5), spec, address).withTiming(FAST, Duration.ofMillis(500));
        FrameworkScheduler scheduler = closeLater(new FrameworkScheduler(client, store, detector, config));
        scheduler.start();
        return new Instance(client, detector, scheduler, store);
    }

    private static boolean allRunning(StateStore store, int n) throws Exception {
        List<TaskRecord> tasks = store.tasks();
        return tasks.size() == n && tasks.stream().allMatch(t -> t.state().equals("TASK_RUNNING"));
    }

    @Test
    void standbyTakesOverAfterTheLeadingSchedulerAndThenTheLeadingMasterDie() throws Exception {
        String root = ZkTarget.uniqueRoot("failover");
        ZkUrl masters = ZkUrl.parse("zk://" + ZkTarget.connectString() + root + "/mesos");
        FrameworkPaths paths = FrameworkPaths.of(root + "/corral", "fo");
        TestCluster cluster = closeLater(new TestCluster(2, new Resources(1, 256), Duration.ofMillis(300)));
        TestMaster m1 = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());
        await().atMost(Duration.ofSeconds(10)).until(m1::isLeading);
        TestMaster m2 = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());

        TaskSpec spec = new TaskSpec("sleep 120", 0.2, 32, 4);
        Instance s1 = instance(masters, paths, "s1:1", spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> s1.scheduler().isLeader());
        Instance s2 = instance(masters, paths, "s2:2", spec);

        await().atMost(Duration.ofSeconds(20)).until(() -> allRunning(s1.store(), 4));
        FrameworkID id = s1.store().frameworkId().orElseThrow();
        assertThat(s1.scheduler().isReconciled()).isTrue();
        assertThat(s2.scheduler().isLeader()).isFalse();

        // 1. The leading scheduler dies.
        s1.scheduler().close();
        s1.client().close();
        await().atMost(Duration.ofSeconds(15)).until(() -> s2.scheduler().isLeader());
        await().atMost(Duration.ofSeconds(15)).until(() -> s2.scheduler().isReconciled());
        assertThat(s2.store().frameworkId()).contains(id);
        assertThat(s2.scheduler().election().leaderAddress()).contains("s2:2");
        Thread.sleep(1000); // let offers flow: nothing more may launch
        assertThat(cluster.launchCounts()).hasSize(4).allSatisfy((task, n) -> assertThat(n).isEqualTo(1));
        assertThat(cluster.liveTasks()).isEqualTo(4);
        assertThat(allRunning(s2.store(), 4)).isTrue();

        // 2. The leading master dies.
        int before = s2.scheduler().reconciliations();
        m1.close();
        await().atMost(Duration.ofSeconds(15)).until(m2::isLeading);
        await().atMost(Duration.ofSeconds(20)).until(() -> s2.scheduler().reconciliations() > before
                && s2.scheduler().isReconciled());
        assertThat(m2.connectedFrameworks()).isEqualTo(1);
        assertThat(s2.store().frameworkId()).contains(id);
        Thread.sleep(1000);
        assertThat(cluster.launchCounts()).hasSize(4).allSatisfy((task, n) -> assertThat(n).isEqualTo(1));
        assertThat(cluster.liveTasks()).isEqualTo(4);
        assertThat(allRunning(s2.store(), 4)).isTrue();
        assertThat(s2.store().tasks()).allSatisfy(t -> assertThat(t.launches()).isEqualTo(1));
    }

    @Test
    void anIntentWhoseLaunchNeverHappenedIsLaunchedOnceAfterReconciliation() throws Exception {
        String root = ZkTarget.uniqueRoot("intent");
        ZkUrl masters = ZkUrl.parse("zk://" + ZkTarget.connectString() + root + "/mesos");
        FrameworkPaths paths = FrameworkPaths.of(root + "/corral", "in");
        TestCluster cluster = closeLater(new TestCluster(1, new Resources(2, 512), Duration.ofMillis(300)));
        closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());

        Instance s1 = instance(masters, paths, "s1:1", new TaskSpec("sleep 120", 0.1, 16, 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> allRunning(s1.store(), 2));
        s1.scheduler().close();

        // A leader that wrote the intent for in-2 and died before its LAUNCH left exactly this behind.
        CuratorFramework c = closeLater(Coordination.connect(ZkUrl.parse("zk://" + ZkTarget.connectString() + "/"), SESSION));
        Recorder r = new Recorder();
        try (LeaderElection e = new LeaderElection(c, paths, "crashed:0", r)) {
            e.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> r.elected.size() == 1);
            new StateStore(c, paths).recordIntent(r.lastFence(), TaskRecord.intended("in-2").withLaunch("agent-0"));
        }
        // The flags only seed the stored configuration; scaling to 3 is a new version of it.
        ConfigStore configs = new ConfigStore(c, paths);
        configs.set(0, configs.current().orElseThrow().config().withInstances(3));

        Instance s2 = instance(masters, paths, "s2:2", new TaskSpec("sleep 120", 0.1, 16, 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> allRunning(s2.store(), 3));
        assertThat(cluster.launchCounts()).containsEntry("in-0", 1).containsEntry("in-1", 1).containsEntry("in-2", 1);
        assertThat(s2.store().task("in-2").orElseThrow().launches()).isEqualTo(2);
    }
}
