package dev.corral.mesos.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.state.TaskRecord;
import dev.corral.mesos.support.ZooKeeperProcess;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.junit.jupiter.api.Test;

/**
 * The coordination server itself is a real process killed with SIGKILL and restarted on the same data directory,
 * faster than the session timeout. Sessions survive, so the leading scheduler must ride it out as SUSPENDED: no
 * abdication, same epoch, its fenced writes still accepted, tasks untouched. (Always uses a ZooKeeper process of its
 * own, also when -Dcorral.connect is set: for Corral the equivalent is killing an ensemble member.)
 */
class CoordinationServerRestartTest {

    private static final Duration SESSION = Duration.ofSeconds(8);

    @Test
    void aBriefCoordinationServerCrashDoesNotDeposeTheLeader() throws Exception {
        try (ZooKeeperProcess zk = new ZooKeeperProcess()) {
            zk.start();
            String masters = "zk://" + zk.connectString() + "/mesos";
            FrameworkPaths paths = FrameworkPaths.of("/corral", "rs");
            SchedulerConfig config = SchedulerConfig.of("rs", Duration.ofMinutes(5), new TaskSpec("sleep 120", 0.2, 32, 2), "only:1")
                    .withTiming(new SchedulerConnection.Settings(Duration.ofMillis(50), Duration.ofMillis(500), 5,
                            Duration.ofSeconds(5)), Duration.ofMillis(500));
            try (TestCluster cluster = new TestCluster(1, new Resources(1, 256), Duration.ofMillis(300));
                 TestMaster master = new TestMaster(TestMasterConfig.fast(0, Optional.of(ZkUrl.parse(masters)), SESSION), cluster).start();
                 CuratorFramework client = Coordination.connect(ZkUrl.parse("zk://" + zk.connectString() + "/"), SESSION);
                 MasterDetector detector = new MasterDetector(ZkUrl.parse(masters), SESSION);
                 FrameworkScheduler scheduler = new FrameworkScheduler(client, new StateStore(client, paths), detector, config)) {
                StateStore store = new StateStore(client, paths);
                java.util.List<org.apache.curator.framework.state.ConnectionState> states =
                        new java.util.concurrent.CopyOnWriteArrayList<>();
                client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
                scheduler.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> store.tasks().size() == 2
                        && store.tasks().stream().allMatch(t -> t.state().equals("TASK_RUNNING")));
                int epoch = scheduler.election().fence().orElseThrow().epoch();
                FrameworkID id = store.frameworkId().orElseThrow();

                zk.kill();
                Thread.sleep(1500);
                zk.start();

                await().atMost(SESSION).until(() -> client.getZookeeperClient().isConnected());
                Thread.sleep(1000);
                assertThat(states).contains(org.apache.curator.framework.state.ConnectionState.SUSPENDED,
                        org.apache.curator.framework.state.ConnectionState.RECONNECTED)
                        .doesNotContain(org.apache.curator.framework.state.ConnectionState.LOST);
                assertThat(scheduler.isLeader()).isTrue();
                assertThat(scheduler.election().fence().orElseThrow().epoch()).isEqualTo(epoch);
                assertThat(master.isLeading()).isTrue();
                TaskRecord t = store.task("rs-0").orElseThrow();
                store.update(scheduler.election().fence().orElseThrow(), t); // a fenced write still goes through
                assertThat(store.frameworkId()).contains(id);
                assertThat(cluster.launchCounts()).hasSize(2).allSatisfy((task, n) -> assertThat(n).isEqualTo(1));
                assertThat(cluster.liveTasks()).isEqualTo(2);
            }
        }
    }
}
