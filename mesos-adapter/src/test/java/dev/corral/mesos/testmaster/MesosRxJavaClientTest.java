package dev.corral.mesos.testmaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mesosphere.mesos.rx.java.AwaitableSubscription;
import com.mesosphere.mesos.rx.java.MesosClient;
import com.mesosphere.mesos.rx.java.MesosClientBuilder;
import com.mesosphere.mesos.rx.java.SinkOperation;
import com.mesosphere.mesos.rx.java.SinkOperations;
import com.mesosphere.mesos.rx.java.util.MessageCodec;
import com.mesosphere.mesos.rx.java.util.UserAgentEntries;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.support.ZkTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/**
 * The test master's wire format checked by an independent implementation: Mesosphere's mesos-rxjava client
 * (0.1.2, from Maven Central; RxNetty, its own RecordIO decoder, its own redirect and Mesos-Stream-Id handling) is
 * pointed at the NON-leading test master, and must follow the scheme-relative 307 to the leader, decode the
 * SUBSCRIBED/HEARTBEAT/OFFERS/UPDATE records of the chunked stream, and have its ACCEPT and ACKNOWLEDGE calls accepted
 * (202; a 4xx would reach the sink's error callback). Our own client is checked against the same master by the other
 * tests, so both clients agree on what the master speaks. (The other direction — our client against mesos-rxjava's
 * server simulation, mesos-rxjava-test — is not possible: that artifact is not on Maven Central.)
 */
class MesosRxJavaClientTest {

    /** A MessageCodec for Mesos' own v1 protobuf classes (mesos-rxjava's protobuf module is built for older ones). */
    private record ProtobufCodec<T extends Message>(Parser<T> parser) implements MessageCodec<T> {
        @Override
        public byte[] encode(T message) {
            return message.toByteArray();
        }

        @Override
        public T decode(byte[] bytes) {
            try {
                return parser.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public T decode(InputStream in) {
            try {
                return parser.parseFrom(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String mediaType() {
            return "application/x-protobuf";
        }

        @Override
        public String show(T message) {
            return message.toString();
        }
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    @Test
    void mesosRxJavaSubscribesThroughA307LaunchesAndAcknowledges() throws Exception {
        ZkUrl zk = ZkUrl.parse("zk://" + ZkTarget.connectString() + ZkTarget.uniqueRoot("rx") + "/mesos");
        Duration session = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);
        // Updates are resent every 2 s until acknowledged: long enough that a slow machine's ACKNOWLEDGE arrives
        // first (at 300 ms an ACKNOWLEDGE delayed by a loaded machine was overtaken by the resend and the test failed),
        // short enough that a refused one shows as a resend within the wait below.
        try (TestCluster cluster = new TestCluster(1, new Resources(1, 256), Duration.ofSeconds(2));
             TestMaster leader = new TestMaster(TestMasterConfig.fast(0, Optional.of(zk), session), cluster).start()) {
            await().atMost(Duration.ofSeconds(10)).until(leader::isLeading);
            try (TestMaster standby = new TestMaster(TestMasterConfig.fast(0, Optional.of(zk), session), cluster).start()) {
                URI nonLeader = URI.create("http://" + standby.endpoint() + "/api/v1/scheduler");
                await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(nonLeader) == 307);
                run(cluster, leader, nonLeader);
            }
        }
    }

    private static int statusOf(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void run(TestCluster cluster, TestMaster leader, URI nonLeader) throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<String> acceptedCalls = new CopyOnWriteArrayList<>();
        List<Throwable> callErrors = new CopyOnWriteArrayList<>();
        AtomicReference<FrameworkID> id = new AtomicReference<>();
        AtomicBoolean launched = new AtomicBoolean();

        Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder()
                        .setUser("root").setName("mesos-rxjava").setFailoverTimeout(60)))
                .build();
        MesosClient<Call, Event> client = MesosClientBuilder.<Call, Event>newBuilder()
                .mesosUri(nonLeader)
                .applicationUserAgentEntry(UserAgentEntries.literal("corral-test", "0"))
                .sendCodec(new ProtobufCodec<>(Call.parser()))
                .receiveCodec(new ProtobufCodec<>(Event.parser()))
                .subscribe(subscribe)
                .processStream(stream -> stream.map(event -> {
                    events.add(event);
                    return react(event, id, launched, acceptedCalls, callErrors);
                }))
                .build();
        AwaitableSubscription subscription = client.openStream();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING));
            // Long enough for several HEARTBEATs (500 ms) and two update retries (2 s), were an ACKNOWLEDGE refused.
            Thread.sleep(4500);
        } finally {
            subscription.unsubscribe();
        }

        assertThat(events.get(0).getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(events.get(0).getSubscribed().getFrameworkId().getValue()).isNotEmpty();
        assertThat(events.get(0).getSubscribed().getMasterInfo().getPort()).as("the leader, reached through the 307")
                .isEqualTo(leader.endpoint().port());
        assertThat(events).extracting(Event::getType).contains(Event.Type.HEARTBEAT, Event.Type.OFFERS, Event.Type.UPDATE);
        assertThat(callErrors).as("errors of ACCEPT/ACKNOWLEDGE calls sent by mesos-rxjava").isEmpty();
        assertThat(acceptedCalls).contains("ACCEPT", "ACKNOWLEDGE");
        assertThat(cluster.launchCounts()).containsExactly(java.util.Map.entry("rx-0", 1));
        assertThat(cluster.liveTasks()).isEqualTo(1);
        // Each update (by uuid) arrived once: every ACKNOWLEDGE was taken, so nothing was resent.
        List<String> uuids = events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
                .map(e -> e.getUpdate().getStatus()).filter(TaskStatus::hasUuid)
                .map(s -> HexFormat.of().formatHex(s.getUuid().toByteArray())).toList();
        assertThat(uuids).isNotEmpty().doesNotHaveDuplicates();
        assertThat(leader.connectedFrameworks()).isEqualTo(1);
    }

    /** The scheduler logic, on mesos-rxjava's stream thread: launch one task on the first offer, acknowledge updates. */
    private static Optional<SinkOperation<Call>> react(Event event, AtomicReference<FrameworkID> id, AtomicBoolean launched,
                                                       List<String> accepted, List<Throwable> errors) {
        switch (event.getType()) {
            case SUBSCRIBED -> id.set(event.getSubscribed().getFrameworkId());
            case OFFERS -> {
                Offer offer = event.getOffers().getOffers(0);
                if (launched.compareAndSet(false, true)) {
                    TaskInfo task = TaskInfo.newBuilder().setName("rx-0").setTaskId(TaskID.newBuilder().setValue("rx-0"))
                            .setAgentId(offer.getAgentId()).addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 16))
                            .setCommand(CommandInfo.newBuilder().setShell(true).setValue("sleep 30")).build();
                    Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(id.get())
                            .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                                    .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                            .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task))))
                            .build();
                    return Optional.of(SinkOperations.create(accept, () -> accepted.add("ACCEPT"), errors::add));
                }
                Call decline = Call.newBuilder().setType(Call.Type.DECLINE).setFrameworkId(id.get())
                        .setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId())).build();
                return Optional.of(SinkOperations.create(decline, () -> accepted.add("DECLINE"), errors::add));
            }
            case UPDATE -> {
                TaskStatus s = event.getUpdate().getStatus();
                if (s.hasUuid()) {
                    Call ack = Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(id.get())
                            .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(s.getAgentId())
                                    .setTaskId(s.getTaskId()).setUuid(s.getUuid()))
                            .build();
                    return Optional.of(SinkOperations.create(ack, () -> accepted.add("ACKNOWLEDGE"), errors::add));
                }
            }
            default -> { }
        }
        return Optional.empty();
    }
}
