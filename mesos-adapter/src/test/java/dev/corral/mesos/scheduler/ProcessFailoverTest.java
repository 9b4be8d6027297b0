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
import dev.corral.mesos.support.ZkTarget;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.junit.jupiter.api.Test;

/**
 * A real process dies: the leading scheduler runs as its own JVM (the command line's {@code run}) and is killed with
 * SIGKILL, so nothing is closed cleanly — its ZooKeeper session has to time out and its HTTP stream just breaks. The
 * standby (in this JVM) must take over with the same FrameworkID, reconcile, and launch nothing twice.
 */
class ProcessFailoverTest {

    private static final Duration SESSION = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);

    @Test
    void killDashNineOfTheLeadingSchedulerProcess() throws Exception {
        String root = ZkTarget.uniqueRoot("kill9");
        String masters = "zk://" + ZkTarget.connectString() + root + "/mesos";
        String stateUrl = "zk://" + ZkTarget.connectString() + root + "/corral";
        FrameworkPaths paths = FrameworkPaths.of(root + "/corral", "k9");
        Path log = Files.createTempFile("scheduler-process", ".log");
        Process child = null;
        try (TestCluster cluster = new TestCluster(2, new Resources(1, 256), Duration.ofMillis(300));
             TestMaster master = new TestMaster(TestMasterConfig.fast(0, Optional.of(ZkUrl.parse(masters)), SESSION), cluster).start();
             CuratorFramework client = Coordination.connect(ZkUrl.parse(stateUrl), SESSION)) {
            StateStore store = new StateStore(client, paths);
            child = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    CorralMesos.class.getName(), "run",
                    "--master", masters, "--zk", stateUrl, "--framework-name", "k9",
                    "--zk-session-timeout", SESSION.toMillis() + "ms", "--failover-timeout", "5m",
                    "--command", "sleep 120", "--cpus", "0.2", "--mem", "32", "--instances", "3",
                    "--advertise", "child:1"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            await().atMost(Duration.ofSeconds(40)).until(() -> store.tasks().size() == 3
                    && store.tasks().stream().allMatch(t -> t.state().equals("TASK_RUNNING")));
            FrameworkID id = store.frameworkId().orElseThrow();

            // The standby joins, then the leader's process is killed outright.
            SchedulerConfig config = SchedulerConfig.of("k9", Duration.ofMinutes(5), new TaskSpec("sleep 120", 0.2, 32, 3), "standby:2")
                    .withTiming(new SchedulerConnection.Settings(Duration.ofMillis(50), Duration.ofMillis(500), 5,
                            Duration.ofSeconds(5)), Duration.ofMillis(500));
            try (MasterDetector detector = new MasterDetector(ZkUrl.parse(masters), SESSION);
                 FrameworkScheduler standby = new FrameworkScheduler(client, store, detector, config)) {
                standby.start();
                Thread.sleep(500);
                assertThat(standby.isLeader()).isFalse();
                child.destroyForcibly().waitFor();

                // No clean close: leadership moves only when the dead process's session expires.
                await().atMost(Duration.ofMillis(SESSION.toMillis() * 4)).until(standby::isLeader);
                await().atMost(Duration.ofSeconds(15)).until(standby::isReconciled);
                assertThat(store.frameworkId()).contains(id);
                Thread.sleep(1000);
                assertThat(cluster.launchCounts()).hasSize(3).allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
                assertThat(cluster.liveTasks()).isEqualTo(3);
                assertThat(store.tasks()).extracting(TaskRecord::state).containsOnly("TASK_RUNNING");
                assertThat(master.connectedFrameworks()).isEqualTo(1);
            }
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            File f = log.toFile();
            if (f.length() > 0) {
                System.out.println("child log:\n" + Files.readString(log));
            }
        }
    }
}
