package dev.corral.mesos.cli;

import dev.corral.mesos.detect.HostPort;
import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.MasterInfos;
import dev.corral.mesos.detect.MasterSource;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.ha.OperatorLock;
import dev.corral.mesos.state.OperatorRequests;
import dev.corral.mesos.scheduler.FrameworkScheduler;
import dev.corral.mesos.scheduler.SchedulerConfig;
import dev.corral.mesos.scheduler.TaskSpec;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.state.TaskRecord;
import dev.corral.mesos.state.TaskStateWatch;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.MasterInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code corral-mesos} command line: run an HA scheduler, inspect its state, find the Mesos master. */
@Command(name = "corral-mesos", mixinStandardHelpOptions = true,
        description = "Highly available Mesos framework scheduler on a ZooKeeper-protocol coordination service.",
        subcommands = {CorralMesos.Run.class, CorralMesos.Leader.class, CorralMesos.Status.class, CorralMesos.Tasks.class,
                CorralMesos.DetectMaster.class, CorralMesos.FrameworkIdCmd.class, CorralMesos.Kill.class,
                ConfigCommands.class, DiscoverCommand.class, CorralMesos.TestMasterCmd.class})
public final class CorralMesos implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CorralMesos()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static PrintWriter out(CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    @Command(name = "run", description = "Run one scheduler instance; start several for HA (one leads, the others stand by).")
    public static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Option(names = "--master", required = true, description = "Mesos master: zk://[user:pass@]hosts/path, or host:port")
        String master;
        @Option(names = "--failover-timeout", defaultValue = "7d", converter = DurationConverter.class,
                description = "FrameworkInfo.failover_timeout (default: ${DEFAULT-VALUE})")
        Duration failoverTimeout;
        @Option(names = "--command", description = "Shell command of each task. This and the other task flags only seed "
                + "the stored configuration's first version; once stored, `config set` changes it (then --command may be left out)")
        String command;
        @Option(names = "--cpus", defaultValue = "0.1")
        double cpus;
        @Option(names = "--mem", defaultValue = "32", description = "MB")
        double mem;
        @Option(names = "--instances", defaultValue = "1")
        int instances;
        @Option(names = "--advertise", description = "This instance's address, shown by `leader` (default: host:pid)")
        String advertise;

        /** Counted down to stop (tests); otherwise the process runs until killed. */
        public final CountDownLatch stop = new CountDownLatch(1);
        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public Integer call() throws Exception {
            String address = advertise != null ? advertise
                    : java.net.InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
            try (CuratorFramework client = state.connect();
                 MasterSource masters = MasterSource.of(master, MasterDetector.DEFAULT_SESSION_TIMEOUT);
                 FrameworkScheduler scheduler = new FrameworkScheduler(client, new StateStore(client, state.paths()), masters,
                         SchedulerConfig.of(state.frameworkName, failoverTimeout,
                                 command == null ? null : new TaskSpec(command, cpus, mem, instances), address))) {
                scheduler.start();
                out(spec).println("instance " + address + " running; state at " + state.paths().root());
                out(spec).flush();
                Runtime.getRuntime().addShutdownHook(stopHook(stop, stopped));
                stop.await();
            } finally {
                stopped.countDown();
            }
            return 0;
        }
    }

    /**
     * On SIGTERM: tell the command to stop and wait (bounded) until it has closed what it holds, so a scheduler gives
     * up leadership cleanly and the test master's simulated agents kill their task processes before the JVM exits.
     */
    static Thread stopHook(CountDownLatch stop, CountDownLatch stopped) {
        return new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop");
    }

    @Command(name = "leader", description = "Print the address of the leading scheduler instance.")
    public static final class Leader implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                Optional<String> leader = leader(client, state.paths());
                out(spec).println(leader.orElse("(no leader)"));
                return leader.isPresent() ? 0 : 1;
            }
        }
    }

    /** The data of the election node with the lowest sequence (Curator LeaderLatch names end in "latch-%010d"). */
    static Optional<String> leader(CuratorFramework client, FrameworkPaths paths) throws Exception {
        return instances(client, paths).stream().findFirst();
    }

    /** Every instance's address in election order: the first leads, the others stand by. */
    static List<String> instances(CuratorFramework client, FrameworkPaths paths) throws Exception {
        List<String> children;
        try {
            children = new ArrayList<>(client.getChildren().forPath(paths.election()));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            return List.of();
        }
        children.sort(Comparator.comparing(c -> c.substring(c.lastIndexOf("latch-") + "latch-".length())));
        List<String> out = new ArrayList<>();
        for (String c : children) {
            try {
                out.add(new String(client.getData().forPath(paths.election() + "/" + c), StandardCharsets.UTF_8));
            } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
                // Went away between the listing and the read.
            }
        }
        return out;
    }

    @Command(name = "status", description = "Leader, epoch, FrameworkID and task counts by state.")
    public static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                StateStore store = new StateStore(client, state.paths());
                PrintWriter out = out(spec);
                out.println("framework:    " + state.frameworkName);
                List<String> instances = instances(client, state.paths());
                out.println("leader:       " + (instances.isEmpty() ? "(none)" : instances.get(0)));
                out.println("instances:    " + (instances.isEmpty() ? "(none)"
                        : instances.size() + " (" + String.join(", ", instances) + ")"));
                org.apache.zookeeper.data.Stat epoch = client.checkExists().forPath(state.paths().epoch());
                out.println("epoch:        " + (epoch == null ? "(none)" : Integer.toString(epoch.getVersion())));
                out.println("framework-id: " + store.frameworkId().map(FrameworkID::getValue).orElse("(none)"));
                Map<String, Integer> byState = new TreeMap<>();
                store.tasks().forEach(t -> byState.merge(t.state(), 1, Integer::sum));
                out.println("tasks:        " + (byState.isEmpty() ? "(none)" : byState.toString()));
                StatusLines.config(out, client, state.paths(), state.frameworkName, store.tasks());
                return 0;
            }
        }
    }

    @Command(name = "tasks", description = "One line per task: id, state, agent, launches, last message.")
    public static final class Tasks implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Option(names = "--watch", description = "Print every task, then each change the leader records as it happens (a watch, no polling), until stopped")
        boolean watch;

        /** Counted down to stop watching (tests); otherwise --watch runs until killed. */
        public final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                PrintWriter out = out(spec);
                out.printf("%-30s %-16s %-20s %-8s %s%n", "TASK", "STATE", "AGENT", "LAUNCHES", "MESSAGE");
                if (!watch) {
                    for (TaskRecord t : new StateStore(client, state.paths()).tasks()) {
                        print(out, t);
                    }
                } else {
                    // The cache's first load prints every task once; after that, one line per recorded change.
                    try (TaskStateWatch w = new TaskStateWatch(client, state.paths(), t -> {
                        synchronized (out) {
                            print(out, t);
                            out.flush();
                        }
                    })) {
                        w.start();
                        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                        stop.await();
                    }
                }
                out.flush();
                return 0;
            }
        }

        private static void print(PrintWriter out, TaskRecord t) {
            out.printf("%-30s %-16s %-20s %-8d %s%n", t.taskId(), t.state(), t.agentId().orElse("-"), t.launches(), t.message());
        }
    }

    @Command(name = "kill", description = "Ask the leading instance to kill a task (under the operator lock).")
    public static final class Kill implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Option(names = "--task-id", required = true)
        String taskId;
        @Option(names = "--lock-wait", defaultValue = "10s", converter = DurationConverter.class)
        Duration lockWait;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect();
                 OperatorLock.Held held = new OperatorLock(client, state.paths()).acquire(lockWait)) {
                String path = new OperatorRequests(client, state.paths()).submit("kill " + taskId);
                out(spec).println("requested: " + path);
                return 0;
            }
        }
    }

    @Command(name = "detect-master", description = "Find the leading Mesos master the way libmesos does (json.info_, lowest sequence).")
    public static final class DetectMaster implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--master", required = true, description = "zk://[user:pass@]hosts/path")
        String master;
        @Option(names = "--timeout", defaultValue = "15s", converter = DurationConverter.class)
        Duration timeout;
        @Option(names = "--json", description = "Print the whole MasterInfo as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (MasterDetector detector = new MasterDetector(ZkUrl.parse(master), MasterDetector.DEFAULT_SESSION_TIMEOUT)) {
                Optional<MasterInfo> info = detector.await(timeout);
                if (info.isEmpty()) {
                    out(spec).println("(no leading master)");
                    return 1;
                }
                HostPort endpoint = MasterInfos.endpoint(info.get());
                out(spec).println(json ? MasterInfos.toJson(info.get()) : endpoint.toString());
                return 0;
            }
        }
    }

    @Command(name = "framework-id", description = "The stored FrameworkID.", subcommands = FrameworkIdCmd.Show.class)
    public static final class FrameworkIdCmd implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(out(spec));
        }

        @Command(name = "show", description = "Print the FrameworkID stored on the first SUBSCRIBED.")
        public static final class Show implements Callable<Integer> {
            @Spec
            CommandSpec spec;
            @Mixin
            StateOptions state;

            @Override
            public Integer call() throws Exception {
                try (CuratorFramework client = state.connect()) {
                    Optional<FrameworkID> id = new StateStore(client, state.paths()).frameworkId();
                    out(spec).println(id.map(FrameworkID::getValue).orElse("(none)"));
                    return id.isPresent() ? 0 : 1;
                }
            }
        }
    }

    @Command(name = "test-master", description = "Run Mesos-protocol TEST masters (not Mesos) over simulated agents, for demos.")
    public static final class TestMasterCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--zk", description = "zk://hosts/path for master election (json.info_); omit for a single master")
        String zk;
        @Option(names = "--port", defaultValue = "5050", description = "First master's port; others follow")
        int port;
        @Option(names = "--masters", defaultValue = "1")
        int masters;
        @Option(names = "--agents", defaultValue = "2")
        int agents;
        @Option(names = "--agent-cpus", defaultValue = "4")
        double cpus;
        @Option(names = "--agent-mem", defaultValue = "4096")
        double mem;
        @Option(names = "--heartbeat", defaultValue = "15s", converter = DurationConverter.class)
        Duration heartbeat;

        public final CountDownLatch stop = new CountDownLatch(1);
        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public Integer call() throws Exception {
            Optional<ZkUrl> url = Optional.ofNullable(zk).map(ZkUrl::parse);
            if (masters > 1 && url.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--masters > 1 needs --zk");
            }
            try (TestCluster cluster = new TestCluster(agents, new Resources(cpus, mem), Duration.ofSeconds(2))) {
                List<TestMaster> started = new ArrayList<>();
                Runtime.getRuntime().addShutdownHook(stopHook(stop, stopped));
                for (int i = 0; i < masters; i++) {
                    TestMasterConfig base = TestMasterConfig.mesosDefaults(port + i, url);
                    started.add(new TestMaster(new TestMasterConfig(base.hostname(), base.port(), base.zk(),
                            base.zkSessionTimeout(), heartbeat, base.allocationInterval(), base.recoveryDelay(),
                            base.defaultRefuse()), cluster).start());
                    out(spec).println("TEST master (not Mesos) at " + started.get(i).endpoint()
                            + "  (POST /testmaster/crash stops it; GET /testmaster/state)");
                }
                out(spec).flush();
                stop.await();
                started.forEach(TestMaster::close);
            } finally {
                stopped.countDown();
            }
            return 0;
        }
    }
}
