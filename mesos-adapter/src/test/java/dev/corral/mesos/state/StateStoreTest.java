package dev.corral.mesos.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.ha.LeaderElection;
import dev.corral.mesos.support.Recorder;
import dev.corral.mesos.support.ZkTarget;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

class StateStoreTest {

    private static FrameworkID id(String v) {
        return FrameworkID.newBuilder().setValue(v).build();
    }

    @Test
    void frameworkIdIsKeptAndAFreshOneIsRefusedWhileTasksExist() throws Exception {
        FrameworkPaths paths = FrameworkPaths.of(ZkTarget.uniqueRoot("state"), "fw");
        ZkUrl url = ZkUrl.parse("zk://" + ZkTarget.connectString() + "/");
        Recorder r = new Recorder();
        try (CuratorFramework c = Coordination.connect(url, Duration.ofSeconds(4));
             CuratorFramework watcherClient = Coordination.connect(url, Duration.ofSeconds(4));
             LeaderElection e = new LeaderElection(c, paths, "a:1", r)) {
            e.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> r.elected.size() == 1);
            StateStore store = new StateStore(c, paths);
            List<TaskRecord> seen = new CopyOnWriteArrayList<>();
            TaskStateWatch watch = new TaskStateWatch(watcherClient, paths, seen::add);
            watch.start();

            assertThat(store.frameworkId()).isEmpty();
            store.recordFrameworkId(r.lastFence(), id("fw-1"));
            store.recordFrameworkId(r.lastFence(), id("fw-1")); // reused: no-op
            assertThat(store.frameworkId()).contains(id("fw-1"));

            store.recordIntent(r.lastFence(), TaskRecord.intended("t-0"));
            TaskRecord launched = store.task("t-0").orElseThrow().withLaunch("agent-1");
            store.update(r.lastFence(), launched);
            assertThatThrownBy(() -> store.recordFrameworkId(r.lastFence(), id("fw-2")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("fw-1");
            assertThat(store.frameworkId()).contains(id("fw-1"));

            // A status with an enormous message still makes a small znode.
            store.update(r.lastFence(), launched.withStatus("TASK_RUNNING", Optional.empty(), Optional.of("u-1"), "x".repeat(100_000)));
            Stat stat = c.checkExists().forPath(paths.task("t-0"));
            assertThat(stat.getDataLength()).isLessThan(1024);
            TaskRecord stored = store.task("t-0").orElseThrow();
            assertThat(stored.state()).isEqualTo("TASK_RUNNING");
            assertThat(stored.agentId()).contains("agent-1");
            assertThat(stored.launches()).isEqualTo(1);
            assertThat(stored.lastUuid()).contains("u-1");

            // Another client saw the changes through its watch.
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(t -> t.state().equals("TASK_RUNNING")));

            // Once every task is terminal, a new framework id may replace the old one.
            store.update(r.lastFence(), stored.withStatus("TASK_FINISHED", Optional.empty(), Optional.of("u-2"), ""));
            store.recordFrameworkId(r.lastFence(), id("fw-2"));
            assertThat(store.frameworkId()).contains(id("fw-2"));
            watch.close();
        }
    }

    @Test
    void recordsRoundTrip() {
        TaskRecord r = new TaskRecord("t=1:x", Optional.of("a"), "TASK_RUNNING", Optional.of("abc"), "msg\nline", 2, 42);
        assertThat(TaskRecord.decode(r.encode())).isEqualTo(r);
        assertThat(TaskRecord.decode(TaskRecord.intended("t").encode()).state()).isEqualTo(TaskRecord.INTENDED);
    }
}
