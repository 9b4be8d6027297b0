package dev.corral.mesos.testmaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.detect.StaticMaster;
import dev.corral.mesos.scheduler.CallResult;
import dev.corral.mesos.scheduler.SchedulerConnection;
import dev.corral.mesos.support.EventCollector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test master's side of the scheduler HTTP API, driven by our client (no ZooKeeper involved). */
class TestMasterProtocolTest {

    private static final SchedulerConnection.Settings FAST =
            new SchedulerConnection.Settings(Duration.ofMillis(50), Duration.ofMillis(500), 5, Duration.ofSeconds(5));

    private TestCluster cluster;
    private TestMaster master;

    @BeforeEach
    void start() throws Exception {
        cluster = new TestCluster(2, new Resources(1, 256), Duration.ofMillis(300));
        master = new TestMaster(TestMasterConfig.fast(0, Optional.empty(), Duration.ofSeconds(4)), cluster).start();
    }

    @AfterEach
    void stop() {
        master.close();
        cluster.close();
    }

    private SchedulerConnection connect(EventCollector c) {
        SchedulerConnection conn = new SchedulerConnection(new StaticMaster(master.endpoint()), c, FAST);
        conn.start();
        return conn;
    }

    private static Call.Builder call(Call.Type type, FrameworkID id) {
        return Call.newBuilder().setType(type).setFrameworkId(id);
    }

    @Test
    void subscribeLaunchUpdatesRedeliveredUntilAcknowledgedReconcileKillTeardown() throws Exception {
        EventCollector c = new EventCollector(EventCollector.framework("proto", 0));
        try (SchedulerConnection conn = connect(c)) {
            FrameworkID id = c.subscribed(5000);
            assertThat(conn.streamId()).isPresent();
            Offer offer = c.next(Event.Type.OFFERS, 5000).getOffers().getOffers(0);
            assertThat(offer.getFrameworkId()).isEqualTo(id);

            TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t-1"))
                    .setAgentId(offer.getAgentId())
                    .addResources(Resources.scalar("cpus", 0.5)).addResources(Resources.scalar("mem", 64))
                    .setCommand(CommandInfo.newBuilder().setValue("sleep 30")).build();
            CallResult accepted = conn.send(call(Call.Type.ACCEPT, id).setAccept(Call.Accept.newBuilder()
                    .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))).build());
            assertThat(accepted.status()).isEqualTo(202);

            // TASK_STARTING comes, and — not acknowledged — comes again with the same uuid; RUNNING waits behind it.
            TaskStatus starting = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
            assertThat(starting.getState()).isEqualTo(TaskState.TASK_STARTING);
            TaskStatus again = c.next(Event.Type.UPDATE, 5000).getUpdate().getStatus();
            assertThat(again.getUuid()).isEqualTo(starting.getUuid());
            conn.send(call(Call.Type.ACKNOWLEDGE, id).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(starting.getAgentId()).setTaskId(starting.getTaskId()).setUuid(starting.getUuid())).build());
            TaskStatus running = c.next(e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING, 5000).getUpdate().getStatus();
            conn.send(call(Call.Type.ACKNOWLEDGE, id).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(running.getAgentId()).setTaskId(running.getTaskId()).setUuid(running.getUuid())).build());

            // Explicit reconciliation: known task -> latest state, unknown -> TASK_UNKNOWN; no uuid on either.
            conn.send(call(Call.Type.RECONCILE, id).setReconcile(Call.Reconcile.newBuilder()
                    .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("t-1")))
                    .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("nope"))))
                    .build());
            TaskStatus r1 = c.next(e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION
                    && e.getUpdate().getStatus().getTaskId().getValue().equals("t-1"), 5000).getUpdate().getStatus();
            assertThat(r1.getState()).isEqualTo(TaskState.TASK_RUNNING);
            assertThat(r1.hasUuid()).isFalse();
            TaskStatus r2 = c.next(e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getTaskId().getValue().equals("nope"), 5000).getUpdate().getStatus();
            assertThat(r2.getState()).isEqualTo(TaskState.TASK_UNKNOWN);

            // Implicit reconciliation: every task the master knows.
            conn.send(call(Call.Type.RECONCILE, id).setReconcile(Call.Reconcile.getDefaultInstance()).build());
            assertThat(c.next(e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION, 5000)
                    .getUpdate().getStatus().getTaskId().getValue()).isEqualTo("t-1");

            conn.send(call(Call.Type.KILL, id).setKill(Call.Kill.newBuilder().setTaskId(task.getTaskId())).build());
            assertThat(c.next(e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getState() == TaskState.TASK_KILLED, 5000)).isNotNull();
            assertThat(cluster.launchCounts()).containsEntry("t-1", 1);

            conn.send(call(Call.Type.TEARDOWN, id).build());
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.disconnects.isEmpty());
            // Subscribing again with the removed id gets an ERROR.
            assertThat(c.next(Event.Type.ERROR, 5000).getError().getMessage()).contains("removed");
        }
    }

    @Test
    void callsNeedTheStreamIdAndASubscribedFramework() throws Exception {
        EventCollector c = new EventCollector(EventCollector.framework("ids", 0));
        try (SchedulerConnection conn = connect(c)) {
            FrameworkID id = c.subscribed(5000);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://" + master.endpoint() + "/api/v1/scheduler");
            HttpResponse<String> noStream = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(call(Call.Type.REVIVE, id).build().toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noStream.statusCode()).isEqualTo(400);
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                    .header("Mesos-Stream-Id", conn.streamId().orElseThrow())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(call(Call.Type.REVIVE,
                            FrameworkID.newBuilder().setValue("other").build()).build().toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(403);
            assertThat(conn.send(call(Call.Type.REVIVE, id).build()).status()).isEqualTo(202);
        }
    }

    @Test
    void jsonSubscriptionsGetJsonRecordIo() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://" + master.endpoint() + "/api/v1/scheduler");
        String body = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"curl\"}}}";
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Mesos-Stream-Id")).isPresent();
        byte[] first = new dev.corral.mesos.scheduler.RecordIo.Reader(r.body()).next().orElseThrow();
        assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"type\":\"SUBSCRIBED\"").contains("\"heartbeat_interval_seconds\"");
        r.body().close();
    }

    @Test
    void aFrameworkThatDoesNotComeBackWithinItsFailoverTimeoutIsRemoved() throws Exception {
        EventCollector c = new EventCollector(EventCollector.framework("gone", 0.5));
        FrameworkID id;
        try (SchedulerConnection conn = connect(c)) {
            id = c.subscribed(5000);
        }
        // Well past the failover timeout: the master notices the broken stream first (by its heartbeat), then waits
        // 0.5 s. 1.5 s was not enough on a machine at load average ~20 (the framework was not removed yet).
        Thread.sleep(3000);
        EventCollector again = new EventCollector(c.info);
        try (SchedulerConnection conn = connect(again)) {
            assertThat(again.next(Event.Type.ERROR, 5000).getError().getMessage()).contains("removed");
        }
        assertThat(id.getValue()).isNotEmpty();
    }

    @Test
    void withinTheFailoverTimeoutTheSameFrameworkResubscribesAndTheOldStreamIsToldItFailedOver() throws Exception {
        EventCollector first = new EventCollector(EventCollector.framework("fo", 60));
        try (SchedulerConnection c1 = connect(first)) {
            FrameworkID id = first.subscribed(5000);
            EventCollector second = new EventCollector(first.info);
            try (SchedulerConnection c2 = connect(second)) {
                assertThat(second.subscribed(5000)).isEqualTo(id);
                assertThat(first.next(Event.Type.ERROR, 5000).getError().getMessage()).contains("failed over");
            }
        }
    }
}
