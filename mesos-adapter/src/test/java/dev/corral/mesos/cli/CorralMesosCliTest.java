package dev.corral.mesos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.support.ZkTarget;
import dev.corral.mesos.testmaster.Resources;
import dev.corral.mesos.testmaster.TestCluster;
import dev.corral.mesos.testmaster.TestMaster;
import dev.corral.mesos.testmaster.TestMasterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CorralMesosCliTest {

    private record Result(int code, String out) {}

    private static Result exec(Object command, String... args) {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(sw));
        int code = cl.execute(args);
        return new Result(code, sw.toString());
    }

    @Test
    void durations() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("604800")).isEqualTo(Duration.ofDays(7));
        assertThat(c.convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(c.convert("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> c.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void runThenInspectWithTheOtherCommands() throws Exception {
        String root = ZkTarget.uniqueRoot("cli");
        String masters = "zk://" + ZkTarget.connectString() + root + "/mesos";
        String state = "zk://" + ZkTarget.connectString() + root + "/corral";
        try (TestCluster cluster = new TestCluster(1, new Resources(1, 256), Duration.ofMillis(300));
             TestMaster master = new TestMaster(TestMasterConfig.fast(0, Optional.of(ZkUrl.parse(masters)),
                     Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS)), cluster).start()) {
            assertThat(exec(new CorralMesos(), "detect-master", "--master", masters).out().trim())
                    .isEqualTo(master.endpoint().toString());

            CorralMesos.Run run = new CorralMesos.Run();
            Thread runner = new Thread(() -> exec(run, "--master", masters, "--zk", state, "--framework-name", "cli",
                    "--failover-timeout", "5m", "--command", "sleep 60", "--cpus", "0.1", "--mem", "16",
                    "--instances", "2", "--advertise", "cli-1:1"));
            runner.start();
            try (CuratorFramework c = Coordination.connect(ZkUrl.parse(state), Duration.ofSeconds(4))) {
                StateStore store = new StateStore(c, FrameworkPaths.of(root + "/corral", "cli"));
                await().atMost(Duration.ofSeconds(20)).until(() -> store.tasks().size() == 2
                        && store.tasks().stream().allMatch(t -> t.state().equals("TASK_RUNNING")));
                String id = store.frameworkId().orElseThrow().getValue();

                String[] common = {"--zk", state, "--framework-name", "cli"};
                assertThat(exec(new CorralMesos(), concat("leader", common)).out().trim()).isEqualTo("cli-1:1");
                assertThat(exec(new CorralMesos(), concat("framework-id", concat("show", common))).out().trim()).isEqualTo(id);
                assertThat(exec(new CorralMesos(), concat("status", common)).out())
                        .contains("leader:       cli-1:1").contains("instances:    1 (cli-1:1)").contains(id)
                        .contains("TASK_RUNNING=2");
                assertThat(exec(new CorralMesos(), concat("tasks", common)).out()).contains("cli-0").contains("cli-1")
                        .contains("agent-0");

                // A tool watches the task records while an operator kills a task through the leader, without knowing
                // who leads.
                CorralMesos.Tasks watch = new CorralMesos.Tasks();
                StringWriter watched = new StringWriter();
                CommandLine watchCl = new CommandLine(watch);
                watchCl.setOut(new PrintWriter(watched, true));
                Thread watcher = new Thread(() -> watchCl.execute(concat("--watch", common)));
                watcher.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> watched.toString().contains("cli-1"));
                assertThat(exec(new CorralMesos(), concat("kill", concat("--task-id", concat("cli-1", common)))).out())
                        .contains("requested: ");
                await().atMost(Duration.ofSeconds(15)).until(() -> store.task("cli-1").orElseThrow().state().equals("TASK_KILLED"));
                assertThat(store.task("cli-0").orElseThrow().state()).isEqualTo("TASK_RUNNING");
                await().atMost(Duration.ofSeconds(10)).until(() -> watched.toString().lines()
                        .anyMatch(l -> l.startsWith("cli-1 ") && l.contains("TASK_KILLED")));
                assertThat(watched.toString().lines().filter(l -> l.startsWith("cli-1 ") && l.contains("TASK_RUNNING")))
                        .as("the running state printed before the kill").isNotEmpty();
                watch.stop.countDown();
                watcher.join(10_000);
                assertThat(watcher.isAlive()).isFalse();
                assertThat(c.getChildren().forPath(root + "/corral/cli/requests")).isEmpty();
            } finally {
                run.stop.countDown();
                runner.join(20_000);
            }
            assertThat(runner.isAlive()).isFalse();
            Result none = exec(new CorralMesos(), "leader", "--zk", state, "--framework-name", "cli");
            assertThat(none.code()).isEqualTo(1);
        }
    }

    @Test
    void testMasterCommandServesTheSchedulerApiAndItsStatePage() throws Exception {
        CorralMesos.TestMasterCmd cmd = new CorralMesos.TestMasterCmd();
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(sw, true));
        Thread runner = new Thread(() -> cl.execute("--port", "0", "--agents", "1", "--heartbeat", "1s"));
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sw.toString().contains("TEST master (not Mesos) at "));
            String endpoint = sw.toString().replaceAll("(?s).*TEST master \\(not Mesos\\) at (\\S+).*", "$1");
            java.net.http.HttpResponse<String> state = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + endpoint + "/testmaster/state")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(state.body()).contains("leading=true").contains("live_tasks=0");
        } finally {
            cmd.stop.countDown();
            runner.join(10_000);
        }
        assertThat(runner.isAlive()).isFalse();
    }

    private static String[] concat(String first, String... rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
