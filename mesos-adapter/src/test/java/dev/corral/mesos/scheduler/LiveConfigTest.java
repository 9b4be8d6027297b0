package dev.corral.mesos.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.cli.CorralMesos;
import dev.corral.mesos.config.ConfigStore;
import dev.corral.mesos.config.Discovery;
import dev.corral.mesos.config.FrameworkConfig;
import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.state.TaskRecord;
import dev.corral.mesos.state.TaskStateWatch;
import dev.corral.mesos.support.ZkTarget;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Live configuration and service discovery end to end: scheduler instances on the coordination service the suite
 * targets (embedded Apache ZooKeeper 3.9, or Corral with -Dcorral.connect) over the Mesos-protocol TEST master. Each
 * step changes the stored document and waits for the leader to converge; after every step the instances a stock
 * Curator {@code ServiceDiscovery} finds must be exactly the running tasks.
 */
class LiveConfigTest {

    private static final Duration SESSION = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);
    private static final Duration LONG = Duration.ofSeconds(60);
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

    private record Instance(CuratorFramework client, FrameworkScheduler scheduler, StateStore store) {
        void kill() {
            scheduler.close();
            client.close();
        }
    }

    /** One framework's world: its masters, its paths, a tool client and the config store. */
    private final class World {
        final String name;
        final String root = ZkTarget.uniqueRoot("live");
        final ZkUrl masters = ZkUrl.parse("zk://" + ZkTarget.connectString() + root + "/mesos");
        final FrameworkPaths paths;
        final TestCluster cluster;
        final CuratorFramework tool;
        final ConfigStore configs;
        final StateStore store;
        final Discovery discovery;

        World(String name, int instances) throws Exception {
            this.name = name;
            paths = FrameworkPaths.of(root + "/corral", name);
            cluster = closeLater(new TestCluster(2, new Resources(2, 1024), Duration.ofMillis(300)));
            TestMaster m = closeLater(new TestMaster(TestMasterConfig.fast(0, Optional.of(masters), SESSION), cluster).start());
            await().atMost(Duration.ofSeconds(10)).until(m::isLeading);
            tool = closeLater(Coordination.connect(ZkUrl.parse("zk://" + ZkTarget.connectString() + "/"), SESSION));
            configs = new ConfigStore(tool, paths);
            store = new StateStore(tool, paths);
            // Seeded here rather than from flags only to put discovery under this test's own root.
            discovery = new Discovery(root + "/discovery", name, Optional.of(8080));
            configs.seed(new FrameworkConfig("sleep 120", 0.1, 16, instances, new TreeMap<>(), Duration.ofMinutes(5), discovery,
                    Duration.ZERO));
        }

        Instance instance(String address) throws Exception {
            CuratorFramework client = closeLater(Coordination.connect(ZkUrl.parse("zk://" + ZkTarget.connectString() + "/"), SESSION));
            MasterDetector detector = closeLater(new MasterDetector(masters, SESSION));
            // The flags' spec differs from the stored document on purpose: the stored one must rule.
            SchedulerConfig config = SchedulerConfig.of(name, Duration.ofMinutes(5), new TaskSpec("sleep 999", 0.5, 64, 1), address)
                    .withTiming(FAST, Duration.ofMillis(500));
            FrameworkScheduler scheduler = closeLater(new FrameworkScheduler(client, new StateStore(client, paths), detector, config));
            scheduler.start();
            return new Instance(client, scheduler, new StateStore(client, paths));
        }

        int set(String... edits) throws Exception {
            ConfigStore.Versioned cur = configs.current().orElseThrow();
            return configs.set(cur.version(), dev.corral.mesos.config.ConfigEdits.apply(cur.config(), List.of(edits)));
        }

        Set<String> running() throws Exception {
            return store.tasks().stream().filter(TaskRecord::isRunning).map(TaskRecord::taskId).collect(Collectors.toCollection(TreeSet::new));
        }

        /** The service's instances as a stock Curator ServiceDiscovery client sees them: id -> address:port. */
        Map<String, String> discovered() throws Exception {
            try (ServiceDiscovery<Void> sd = ServiceDiscoveryBuilder.builder(Void.class).client(tool)
                    .basePath(discovery.base()).build()) {
                sd.start();
                Map<String, String> out = new TreeMap<>();
                for (ServiceInstance<Void> i : sd.queryForInstances(name)) {
                    out.put(i.getId(), i.getAddress() + ":" + i.getPort());
                }
                return out;
            }
        }

        /** What discovery must say: every running task, at its agent's host and the configured port. */
        Map<String, String> expected() throws Exception {
            Map<String, String> out = new TreeMap<>();
            for (TaskRecord t : store.tasks()) {
                if (t.isRunning()) {
                    out.put(t.taskId(), t.host().orElse("?") + ":" + discovery.port().orElse(null));
                }
            }
            return out;
        }

        /** Waits until the leader reports the rollout of {@code version} done and discovery matches the tasks. */
        void awaitSettled(Instance leader, int version, int instances) {
            await().atMost(LONG).untilAsserted(() -> {
                assertThat(leader.scheduler().rollout()).isPresent();
                RolloutPlan p = leader.scheduler().rollout().get();
                assertThat(p.version()).isEqualTo(version);
                assertThat(p.phase()).as(p.summary()).isEqualTo(RolloutPlan.Phase.DONE);
                assertThat(running()).hasSize(instances);
                assertThat(discovered()).isEqualTo(expected()).hasSize(instances);
            });
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new CorralMesos());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        cl.execute(args);
        return out.toString();
    }

    @Test
    void scaleUpScaleDownAndAOneAtATimeReplacementAreAppliedLive() throws Exception {
        World w = new World("lc", 3);
        Instance s1 = w.instance("s1:1");
        await().atMost(Duration.ofSeconds(10)).until(() -> s1.scheduler().isLeader());
        Instance s2 = w.instance("s2:2");
        w.awaitSettled(s1, 0, 3);
        assertThat(w.running()).containsExactly("lc-0", "lc-1", "lc-2");
        assertThat(w.store.tasks()).allSatisfy(t -> assertThat(t.host()).contains("127.0.0.1"));

        List<String> events = new CopyOnWriteArrayList<>();
        TaskStateWatch watch = closeLater(new TaskStateWatch(w.tool, w.paths, t -> events.add(t.taskId() + " " + t.state())));
        watch.start();

        assertThat(w.set("instances=5")).isEqualTo(1);
        w.awaitSettled(s1, 1, 5);
        assertThat(w.running()).containsExactly("lc-0", "lc-1", "lc-2", "lc-3-v1", "lc-4-v1");

        assertThat(w.set("instances=2")).isEqualTo(2);
        w.awaitSettled(s1, 2, 2);
        assertThat(w.running()).containsExactly("lc-0", "lc-1");
        for (String gone : List.of("lc-2", "lc-3-v1", "lc-4-v1")) {
            TaskRecord r = w.store.task(gone).orElseThrow();
            assertThat(r.state()).isEqualTo("TASK_KILLED");
        }

        // A new spec (command and environment) and one more instance: slot 2 is launched at once, slots 0 and 1
        // are replaced one at a time. The command only keeps running if the environment reached it.
        assertThat(w.set("command=test \"$MODE\" = blue && exec sleep 121", "env.MODE=blue", "instances=3")).isEqualTo(3);
        w.awaitSettled(s1, 3, 3);
        assertThat(w.running()).containsExactly("lc-0-v3", "lc-1-v3", "lc-2-v3");
        assertThat(w.cluster.launchCounts()).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1));
        assertThat(w.cluster.liveTasks()).isEqualTo(3);
        // One at a time: slot 1's old task was killed, and its replacement started, only after slot 0's replacement ran.
        int slot0Running = events.indexOf("lc-0-v3 TASK_RUNNING");
        assertThat(slot0Running).as(events.toString()).isNotNegative();
        assertThat(events.indexOf("lc-1 TASK_KILLED")).as(events.toString()).isGreaterThan(slot0Running);
        assertThat(firstIndex(events, "lc-1-v3 ")).as(events.toString()).isGreaterThan(slot0Running);
        assertThat(w.store.task("lc-1").orElseThrow().state()).isEqualTo("TASK_KILLED");
        // The standby watched the document too.
        await().atMost(Duration.ofSeconds(10)).until(() -> s2.scheduler().appliedConfig().version() == 3);

        String status = cli("status", "--zk", "zk://" + ZkTarget.connectString() + w.root + "/corral", "--framework-name", "lc");
        assertThat(status).contains("config:       version 3").contains("rollout:      DONE - config v3: 3/3 running the current spec")
                .contains("discovery:    " + w.root + "/discovery/lc (3 instance(s))");
        String listed = cli("discover", "lc", "--zk", "zk://" + ZkTarget.connectString(), "--base", w.root + "/discovery");
        assertThat(listed).contains("lc-0-v3").contains("lc-1-v3").contains("lc-2-v3").contains("127.0.0.1").contains("8080")
                .contains("3 instance(s) of lc");
    }

    private static int firstIndex(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Two ways a leader goes: it stops (its election node goes at once), or its session is expired on the server while
     * it still runs (it learns it is deposed only when it reconnects; its fenced writes fail from then on).
     */
    @ParameterizedTest(name = "session expired: {0}")
    @ValueSource(booleans = {false, true})
    void aRolloutInterruptedByKillingTheLeadingSchedulerIsFinishedByTheNextLeader(boolean expire) throws Exception {
        World w = new World(expire ? "rx" : "ri", 5);
        String fw = w.name;
        Instance s1 = w.instance("s1:1");
        await().atMost(Duration.ofSeconds(10)).until(() -> s1.scheduler().isLeader());
        Instance s2 = w.instance("s2:2");
        w.awaitSettled(s1, 0, 5);

        assertThat(w.set("command=sleep 122")).isEqualTo(1);
        // Half done: a replacement runs while tasks of the old spec still run. Then the leader dies.
        await().atMost(LONG).pollInterval(Duration.ofMillis(10)).until(() -> {
            List<TaskRecord> ts = w.store.tasks();
            return ts.stream().anyMatch(t -> t.taskId().endsWith("-v1") && t.isRunning())
                    && ts.stream().filter(t -> !t.taskId().endsWith("-v1") && !t.isTerminal()).count() >= 2;
        });
        if (expire) {
            org.apache.zookeeper.ZooKeeper zk = s1.client().getZookeeperClient().getZooKeeper();
            ZkTarget.expireSession(zk.getSessionId(), zk.getSessionPasswd());
        } else {
            s1.kill();
        }
        long oldLive = w.store.tasks().stream().filter(t -> !t.taskId().endsWith("-v1") && !t.isTerminal()).count();
        assertThat(oldLive).as("the rollout was interrupted half-way").isGreaterThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> s2.scheduler().isLeader() && s2.scheduler().isReconciled());
        w.awaitSettled(s2, 1, 5);
        // The expired one learns it was deposed when its client reconnects (until then its writes are fenced off).
        await().atMost(Duration.ofSeconds(30)).until(() -> !s1.scheduler().isLeader());
        assertThat(w.running()).containsExactly(fw + "-0-v1", fw + "-1-v1", fw + "-2-v1", fw + "-3-v1", fw + "-4-v1");
        // Nothing launched twice, nothing started over: each id once, every replacement still the first one.
        assertThat(w.cluster.launchCounts()).hasSize(10).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1));
        assertThat(w.store.tasks()).allSatisfy(t -> assertThat(t.launches()).as(t.taskId()).isEqualTo(1));
        assertThat(w.cluster.liveTasks()).isEqualTo(5);
    }

    @Test
    void aFailedReplacementStopsTheRolloutAndSaysSoThenARollbackRecovers() throws Exception {
        World w = new World("rf", 3);
        Instance s1 = w.instance("s1:1");
        await().atMost(Duration.ofSeconds(10)).until(() -> s1.scheduler().isLeader());
        w.awaitSettled(s1, 0, 3);
        String state = "zk://" + ZkTarget.connectString() + w.root + "/corral";

        // `exit 3` is TASK_RUNNING for an instant before it fails; the settle time keeps the rollout from moving on.
        assertThat(cli("config", "set", "command=exit 3", "rollout_settle=3s", "--zk", state, "--framework-name", "rf"))
                .contains("version 1 written");
        await().atMost(LONG).untilAsserted(() -> assertThat(s1.scheduler().rollout().orElseThrow().phase())
                .isEqualTo(RolloutPlan.Phase.FAILED));
        // Stopped: the two other slots keep their old tasks, and discovery lists exactly those.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(w.running()).containsExactly("rf-1", "rf-2");
            assertThat(w.discovered()).isEqualTo(w.expected());
        });
        assertThat(w.store.task("rf-0-v1").orElseThrow().state()).isEqualTo("TASK_FAILED");
        assertThat(cli("status", "--zk", state, "--framework-name", "rf"))
                .contains("rollout:      FAILED").contains("rollout stopped: rf-0-v1 TASK_FAILED: Command exited with status 3");

        assertThat(cli("config", "rollback", "0", "--zk", state, "--framework-name", "rf")).contains("version 2 written");
        // (version 0's settle time is 0 again)
        w.awaitSettled(s1, 2, 3);
        // Back to version 0's spec: the two old tasks already run it and stay; only slot 0 is launched again.
        assertThat(w.running()).containsExactly("rf-0-v2", "rf-1", "rf-2");
        assertThat(w.cluster.launchCounts()).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1));
    }

    @Test
    void anInvalidDocumentIsIgnoredAndNoStaleEntrySurvivesAFailover() throws Exception {
        World w = new World("dv", 3);
        Instance s1 = w.instance("s1:1");
        await().atMost(Duration.ofSeconds(10)).until(() -> s1.scheduler().isLeader());
        w.awaitSettled(s1, 0, 3);

        // Written around the CLI: refused by the scheduler, which keeps running version 0.
        ConfigStore.Stored v0 = w.configs.stored().orElseThrow();
        String broken = new String(v0.data(), StandardCharsets.UTF_8).replace("\"cpus\" : 0.1", "\"cpus\" : \"lots\"");
        w.tool.setData().withVersion(0).forPath(w.paths.config(), broken.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> s1.scheduler().lastError().contains("field 'cpus'"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> w.running().size() == 3);
        assertThat(s1.scheduler().appliedConfig().version()).isZero();

        // The leader dies; while no scheduler leads, a task ends and the discovery entries drift.
        s1.kill();
        w.cluster.agents().forEach(a -> a.kill("dv-1"));
        JsonInstanceSerializer<Void> json = new JsonInstanceSerializer<>(Void.class);
        String service = w.discovery.servicePath();
        w.tool.create().forPath(service + "/dv-7", json.serialize(new ServiceInstance<>("dv", "dv-7", "10.0.0.7", 1, null,
                null, 0, ServiceType.PERMANENT, null)));
        w.tool.create().forPath(service + "/elsewhere-1", json.serialize(new ServiceInstance<>("dv", "elsewhere-1", "10.0.0.8", 1,
                null, null, 0, ServiceType.PERMANENT, null)));
        w.tool.delete().forPath(service + "/dv-2");
        assertThat(w.discovered()).containsKeys("dv-1", "dv-7").doesNotContainKey("dv-2");

        Instance s2 = w.instance("s2:2");
        await().atMost(Duration.ofSeconds(20)).until(() -> s2.scheduler().isLeader() && s2.scheduler().isReconciled());
        await().atMost(LONG).untilAsserted(() -> {
            assertThat(w.running()).containsExactly("dv-0", "dv-2");
            Map<String, String> expected = new TreeMap<>(w.expected());
            expected.put("elsewhere-1", "10.0.0.8:1"); // not one of this framework's ids: left alone
            assertThat(w.discovered()).isEqualTo(expected);
        });
        assertThat(s2.scheduler().appliedConfig().version()).isZero();

        // A valid version after the broken one is applied.
        w.configs.set(1, w.configs.history().get(0).decode().withInstances(2));
        await().atMost(LONG).untilAsserted(() -> assertThat(s2.scheduler().appliedConfig().version()).isEqualTo(2));

        // The service is renamed while no scheduler leads: the next leader moves the entries.
        await().atMost(LONG).until(() -> w.running().size() == 2 && w.discovered().size() == 3);
        s2.kill();
        FrameworkConfig renamed = w.configs.current().orElseThrow().config();
        renamed = new FrameworkConfig(renamed.command(), renamed.cpus(), renamed.mem(), renamed.instances(),
                renamed.environment(), renamed.failoverTimeout(), new Discovery(w.discovery.base(), "dv-renamed",
                w.discovery.port()), renamed.rolloutSettle());
        w.configs.set(2, renamed);
        Instance s3 = w.instance("s3:3");
        await().atMost(Duration.ofSeconds(20)).until(() -> s3.scheduler().isLeader() && s3.scheduler().isReconciled());
        await().atMost(LONG).untilAsserted(() -> {
            assertThat(w.discovered()).containsOnlyKeys("elsewhere-1");
            try (ServiceDiscovery<Void> sd = ServiceDiscoveryBuilder.builder(Void.class).client(w.tool)
                    .basePath(w.discovery.base()).build()) {
                sd.start();
                assertThat(sd.queryForInstances("dv-renamed")).extracting(ServiceInstance::getId)
                        .containsExactlyInAnyOrderElementsOf(w.running());
            }
        });
    }
}
