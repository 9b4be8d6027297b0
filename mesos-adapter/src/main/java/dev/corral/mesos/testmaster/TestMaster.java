package dev.corral.mesos.testmaster;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corral.mesos.detect.HostPort;
import dev.corral.mesos.detect.MasterContender;
import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.MasterInfos;
import dev.corral.mesos.detect.Membership;
import dev.corral.mesos.detect.ZkGroup;
import dev.corral.mesos.scheduler.SchedulerConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos-protocol TEST master. It is not Mesos: it speaks enough of the v1 scheduler HTTP API, with the semantics
 * the Mesos documentation gives (mapped one by one in docs/mesos-test-master.md), to test a framework without a Mesos
 * cluster: master election through {@code json.info_} in ZooKeeper, 307 to the leader and 503 while there is none,
 * stream ids, offers from simulated agents, status updates resent until acknowledged, reconciliation, the framework
 * failover timeout, and tasks run as local processes.
 *
 * <p>One thread (the actor) owns all master state; HTTP threads hand work to it.
 */
public final class TestMaster implements SimulatedAgent.Uplink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestMaster.class);
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    private final TestMasterConfig config;
    private final TestCluster cluster;
    private final String masterId = UUID.randomUUID().toString();
    private final ScheduledExecutorService actor;
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "testmaster-http");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private HttpServer server;
    private MasterInfo info;
    private ZkGroup group;
    private MasterDetector detector;
    private volatile Optional<Membership> ownMembership = Optional.empty();

    // Actor state.
    private volatile boolean leading;
    private volatile long recoveredAtNanos;
    private boolean stopped;
    private int nextFramework;
    private long nextOffer;
    private final Map<String, Framework> frameworks = new LinkedHashMap<>();
    private final Map<String, OfferState> offers = new HashMap<>();

    private static final class Framework {
        FrameworkInfo info;
        EventStream stream;
        boolean suppressed;
        final Map<String, Long> refusedUntil = new HashMap<>();
        ScheduledFuture<?> failoverTimer;

        Framework(FrameworkInfo info) {
            this.info = info;
        }

        String id() {
            return info.getId().getValue();
        }

        boolean partitionAware() {
            return info.getCapabilitiesList().stream()
                    .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        }
    }

    private record OfferState(String frameworkId, SimulatedAgent agent, Resources resources) {}

    public TestMaster(TestMasterConfig config, TestCluster cluster) {
        this.config = config;
        this.cluster = cluster;
        this.actor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "testmaster-actor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds the port, then contends for leadership (or leads at once without ZooKeeper). */
    public TestMaster start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(config.hostname(), config.port()), 64);
        server.setExecutor(httpThreads);
        server.createContext("/", this::handle);
        server.start();
        int port = server.getAddress().getPort();
        info = MasterInfos.create(masterId, config.hostname(), port, "master@" + config.hostname() + ":" + port);
        if (config.zk().isPresent()) {
            group = new ZkGroup(config.zk().get(), config.zkSessionTimeout());
            detector = new MasterDetector(group);
            group.watch(this::membershipsChanged);
            ZkGroup.Owned owned = new MasterContender(group, info).contend().get(30, TimeUnit.SECONDS);
            ownMembership = Optional.of(owned.membership());
            owned.cancelled().thenAccept(requested -> {
                if (!requested && !closing.get()) {
                    // A Mesos master whose membership is lost commits suicide; so does this one.
                    LOG.error("Test master {} lost its ZooKeeper membership; stopping", endpoint());
                    // Not on the group's own thread: close() waits for that thread.
                    new Thread(this::close, "testmaster-suicide").start();
                }
            });
            actor.execute(() -> membershipsChangedOnActor(detector.leaderMembership()));
        } else {
            actor.execute(this::becomeLeader);
        }
        actor.scheduleWithFixedDelay(this::heartbeat, config.heartbeatInterval().toMillis(),
                config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        actor.scheduleWithFixedDelay(this::allocate, config.allocationInterval().toMillis(),
                config.allocationInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Test master {} started", endpoint());
        return this;
    }

    public HostPort endpoint() {
        return new HostPort(config.hostname(), server.getAddress().getPort());
    }

    public MasterInfo info() {
        return info;
    }

    public boolean isLeading() {
        return leading;
    }

    // ---- leadership ----

    private void membershipsChanged(SortedSet<Membership> members) {
        Optional<Membership> lowest = members.isEmpty() ? Optional.empty() : Optional.of(members.first());
        actor.execute(() -> membershipsChangedOnActor(lowest));
    }

    private void membershipsChangedOnActor(Optional<Membership> lowest) {
        boolean shouldLead = ownMembership.isPresent() && lowest.equals(ownMembership);
        if (shouldLead && !leading && !stopped) {
            becomeLeader();
        }
    }

    private void becomeLeader() {
        leading = true;
        recoveredAtNanos = System.nanoTime() + config.recoveryDelay().toNanos();
        // Agents re-register and bring their frameworks; those must resubscribe within their failover timeout.
        for (SimulatedAgent agent : cluster.agents()) {
            for (FrameworkInfo fw : agent.frameworks()) {
                if (!frameworks.containsKey(fw.getId().getValue()) && !cluster.isRemoved(fw.getId().getValue())) {
                    Framework f = new Framework(fw);
                    frameworks.put(f.id(), f);
                    startFailoverTimer(f);
                }
            }
        }
        cluster.elected(this);
        LOG.info("Test master {} is the leading master", endpoint());
    }

    // ---- HTTP ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/testmaster/state")) {
                respond(ex, 200, stateText());
                return;
            }
            if (path.equals("/testmaster/crash") && ex.getRequestMethod().equals("POST")) {
                // Test-only control for demos: this master stops as if its process died.
                respond(ex, 202, "");
                new Thread(this::close, "testmaster-crash").start();
                return;
            }
            if (path.equals("/redirect") || path.equals("/master/redirect")) {
                // [EP] /master/redirect: 307 to the leading master, 503 if none is known. The Location is the leader's
                // base, scheme-relative ("//host:port"), which clients such as mesos-rxjava probe for before they
                // subscribe. The leader answers with itself.
                Optional<MasterInfo> leader = leading ? Optional.of(info()) : detector == null ? Optional.empty() : detector.current();
                if (leader.isPresent()) {
                    ex.getResponseHeaders().add("Location", "//" + MasterInfos.endpoint(leader.get()));
                    respond(ex, 307, "");
                } else {
                    respond(ex, 503, "No leader elected");
                }
                return;
            }
            if (!path.equals("/api/v1/scheduler") && !path.equals("/master/api/v1/scheduler")) {
                respond(ex, 404, "Not found");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                respond(ex, 405, "Expecting a 'POST' request");
                return;
            }
            if (!leading) {
                Optional<MasterInfo> leader = detector == null ? Optional.empty() : detector.current();
                if (leader.isPresent() && !leader.get().getId().equals(masterId)) {
                    HostPort hp = MasterInfos.endpoint(leader.get());
                    // Scheme-relative, as Mesos writes it.
                    ex.getResponseHeaders().add("Location", "//" + hp + path);
                    respond(ex, 307, "");
                } else {
                    respond(ex, 503, "No leader elected");
                }
                return;
            }
            if (System.nanoTime() < recoveredAtNanos) {
                respond(ex, 503, "Master has not finished recovery");
                return;
            }
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            boolean json = contentType != null && contentType.startsWith(JSON);
            if (contentType == null || !(json || contentType.startsWith(PROTOBUF))) {
                respond(ex, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
                return;
            }
            Call call;
            try {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (json) {
                    Call.Builder b = Call.newBuilder();
                    JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
                    call = b.build();
                } else {
                    call = Call.parseFrom(body);
                }
            } catch (Exception e) {
                respond(ex, 400, "Failed to parse body into Call protobuf: " + e.getMessage());
                return;
            }
            if (call.getType() == Call.Type.SUBSCRIBE) {
                String accept = ex.getRequestHeaders().getFirst("Accept");
                subscribe(ex, call, accept != null ? accept.startsWith(JSON) : json);
            } else {
                String streamId = ex.getRequestHeaders().getFirst(SchedulerConnection.STREAM_ID);
                Reply reply = onActor(() -> call(call, streamId));
                respond(ex, reply.status(), reply.body());
            }
        } catch (IOException e) {
            LOG.debug("HTTP exchange failed: {}", e.toString());
        }
    }

    private record Reply(int status, String body) {}

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private <T> T onActor(Callable<T> work) throws IOException {
        try {
            return actor.submit(work).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("Master actor failed: " + e, e);
        }
    }

    /** Holds the HTTP thread for the life of the subscription, writing frames as the actor queues them. */
    private void subscribe(HttpExchange ex, Call call, boolean json) throws IOException {
        if (!call.hasSubscribe() || !call.getSubscribe().hasFrameworkInfo()) {
            respond(ex, 400, "Expecting 'subscribe' to be present");
            return;
        }
        EventStream stream = new EventStream(UUID.randomUUID().toString(), json);
        String frameworkId = onActor(() -> subscribeOnActor(call.getSubscribe().getFrameworkInfo(), stream));
        ex.getResponseHeaders().add("Content-Type", json ? JSON : PROTOBUF);
        ex.getResponseHeaders().add(SchedulerConnection.STREAM_ID, stream.id);
        ex.sendResponseHeaders(200, 0); // chunked: the body is the event stream
        OutputStream out = ex.getResponseBody();
        try {
            while (true) {
                byte[] frame = stream.frames.take();
                if (frame == EventStream.END) {
                    break;
                }
                out.write(frame);
                out.flush();
            }
            out.close();
        } catch (IOException | InterruptedException e) {
            LOG.info("Subscription stream {} of framework {} broke: {}", stream.id, frameworkId, e.toString());
        } finally {
            actor.execute(() -> streamClosed(frameworkId, stream));
        }
    }

    private String subscribeOnActor(FrameworkInfo requested, EventStream stream) {
        Framework f;
        if (requested.hasId() && !requested.getId().getValue().isEmpty()) {
            String id = requested.getId().getValue();
            if (cluster.isRemoved(id)) {
                stream.send(error("Framework has been removed"));
                stream.close();
                return id;
            }
            f = frameworks.get(id);
            if (f == null) {
                // Re-subscribing after a master failover: the new master did not know it yet.
                f = new Framework(requested);
                frameworks.put(id, f);
            } else if (f.stream != null) {
                // Scheduler failover: the old subscription is told and closed.
                f.stream.send(error("Framework failed over"));
                f.stream.close();
                rescindOffers(f, false);
            }
            f.info = requested;
            if (f.failoverTimer != null) {
                f.failoverTimer.cancel(false);
                f.failoverTimer = null;
            }
        } else {
            String id = masterId + "-" + String.format("%04d", nextFramework++);
            f = new Framework(requested.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build());
            frameworks.put(id, f);
        }
        f.stream = stream;
        f.suppressed = false;
        f.refusedUntil.clear();
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(f.info.getId())
                        .setHeartbeatIntervalSeconds(config.heartbeatInterval().toMillis() / 1000.0)
                        .setMasterInfo(info))
                .build());
        LOG.info("Framework {} ({}) subscribed on stream {}", f.id(), f.info.getName(), stream.id);
        allocate();
        return f.id();
    }

    private void streamClosed(String frameworkId, EventStream stream) {
        stream.closed = true;
        Framework f = frameworks.get(frameworkId);
        if (f == null || f.stream != stream) {
            return;
        }
        f.stream = null;
        rescindOffers(f, false);
        startFailoverTimer(f);
    }

    private void startFailoverTimer(Framework f) {
        double seconds = f.info.getFailoverTimeout();
        LOG.info("Framework {} disconnected; failover timeout {} s", f.id(), seconds);
        f.failoverTimer = actor.schedule(() -> {
            if (frameworks.get(f.id()) == f && f.stream == null) {
                LOG.info("Framework {} did not fail over in time; removing it", f.id());
                removeFramework(f);
            }
        }, (long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    private void removeFramework(Framework f) {
        frameworks.remove(f.id());
        cluster.frameworkRemoved(f.id());
        rescindOffers(f, false);
        cluster.agents().forEach(a -> a.removeFramework(f.info.getId()));
        if (f.stream != null) {
            f.stream.close();
            f.stream = null;
        }
    }

    // ---- calls ----

    private Reply call(Call call, String streamId) {
        if (!leading) {
            return new Reply(503, "Not the leading master");
        }
        Framework f = frameworks.get(call.getFrameworkId().getValue());
        if (f == null || f.stream == null) {
            return new Reply(403, "Framework is not subscribed");
        }
        if (streamId == null || !streamId.equals(f.stream.id)) {
            return new Reply(400, "The stream ID '" + streamId + "' included in this request didn't match the stream ID"
                    + " currently associated with framework ID " + f.id());
        }
        switch (call.getType()) {
            case ACCEPT -> accept(f, call.getAccept());
            case DECLINE -> {
                for (OfferID id : call.getDecline().getOfferIdsList()) {
                    OfferState o = offers.remove(id.getValue());
                    if (o != null && o.frameworkId().equals(f.id())) {
                        refuse(f, o.agent(), call.getDecline().getFilters().hasRefuseSeconds()
                                ? call.getDecline().getFilters().getRefuseSeconds() : config.defaultRefuse().toMillis() / 1000.0);
                    }
                }
            }
            case REVIVE -> {
                f.suppressed = false;
                f.refusedUntil.clear();
                allocate();
            }
            case SUPPRESS -> f.suppressed = true;
            case KILL -> kill(f, call.getKill());
            case ACKNOWLEDGE -> cluster.agent(call.getAcknowledge().getAgentId().getValue()).ifPresent(a ->
                    a.acknowledge(call.getAcknowledge().getTaskId().getValue(), call.getAcknowledge().getUuid()));
            case RECONCILE -> reconcile(f, call.getReconcile());
            case TEARDOWN -> removeFramework(f);
            default -> { } // MESSAGE, REQUEST, ... accepted and ignored
        }
        return new Reply(202, "");
    }

    private void accept(Framework f, Call.Accept accept) {
        List<OfferState> used = new ArrayList<>();
        boolean valid = !accept.getOfferIdsList().isEmpty();
        for (OfferID id : accept.getOfferIdsList()) {
            OfferState o = offers.remove(id.getValue());
            if (o == null || !o.frameworkId().equals(f.id())) {
                valid = false;
            } else {
                used.add(o);
            }
        }
        if (valid && used.stream().map(OfferState::agent).distinct().count() != 1) {
            valid = false; // Offers from different agents cannot be combined.
        }
        Resources available = used.stream().map(OfferState::resources).reduce(Resources.NONE, Resources::plus);
        for (org.apache.mesos.v1.Protos.Offer.Operation op : accept.getOperationsList()) {
            if (op.getType() != Offer.Operation.Type.LAUNCH) {
                continue;
            }
            for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
                if (!valid) {
                    masterUpdate(f, task, f.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                            TaskStatus.Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers");
                    continue;
                }
                SimulatedAgent agent = used.get(0).agent();
                Resources need = Resources.of(task.getResourcesList());
                boolean duplicate = cluster.agents().stream().anyMatch(a -> a.hasLiveTask(task.getTaskId().getValue()));
                if (duplicate || !available.contains(need) || !task.getAgentId().equals(agent.id()) || !task.hasCommand()) {
                    masterUpdate(f, task, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID,
                            duplicate ? "Task has duplicate ID" : "Task uses more resources than offered, or a wrong agent");
                    continue;
                }
                available = available.minus(need);
                cluster.launched(task.getTaskId().getValue());
                agent.launch(f.info, task);
            }
        }
        if (valid) {
            refuse(f, used.get(0).agent(), accept.getFilters().hasRefuseSeconds()
                    ? accept.getFilters().getRefuseSeconds() : config.defaultRefuse().toMillis() / 1000.0);
        }
    }

    private void kill(Framework f, Call.Kill kill) {
        String taskId = kill.getTaskId().getValue();
        for (SimulatedAgent a : cluster.agents()) {
            if (a.latest(taskId).isPresent() && a.kill(taskId)) {
                return;
            }
        }
        masterUpdate(f, TaskInfo.newBuilder().setTaskId(kill.getTaskId()).setName("").setAgentId(kill.getAgentId()).build(),
                f.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST,
                TaskStatus.Reason.REASON_RECONCILIATION, "Attempted to kill an unknown task");
    }

    private void reconcile(Framework f, Call.Reconcile reconcile) {
        if (reconcile.getTasksCount() == 0) {
            // Implicit: the latest state of every task the master knows for this framework.
            for (SimulatedAgent a : cluster.agents()) {
                a.latestFor(f.info.getId()).forEach(s -> sendUpdate(f, reconciliation(s)));
            }
            return;
        }
        for (Call.Reconcile.Task t : reconcile.getTasksList()) {
            Optional<TaskStatus> latest = Optional.empty();
            for (SimulatedAgent a : cluster.agents()) {
                latest = latest.or(() -> a.latest(t.getTaskId().getValue()));
            }
            if (latest.isPresent()) {
                sendUpdate(f, reconciliation(latest.get()));
            } else {
                TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(t.getTaskId())
                        .setState(f.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST)
                        .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                        .setMessage("Reconciliation: task is unknown").setTimestamp(System.currentTimeMillis() / 1000.0);
                if (t.hasAgentId()) {
                    s.setAgentId(t.getAgentId());
                }
                sendUpdate(f, s.build());
            }
        }
    }

    /** Reconciliation answers carry no uuid: they must not be acknowledged. */
    private static TaskStatus reconciliation(TaskStatus latest) {
        return latest.toBuilder().clearUuid().setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(TaskStatus.Reason.REASON_RECONCILIATION).setMessage("Reconciliation: latest task state").build();
    }

    private void masterUpdate(Framework f, TaskInfo task, TaskState state, TaskStatus.Reason reason, String message) {
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(state)
                .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason).setMessage(message)
                .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (task.hasAgentId()) {
            s.setAgentId(task.getAgentId());
        }
        sendUpdate(f, s.build());
    }

    private void sendUpdate(Framework f, TaskStatus status) {
        if (f.stream != null) {
            f.stream.send(Event.newBuilder().setType(Event.Type.UPDATE)
                    .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
        }
    }

    /** From an agent: forward to the framework if it is connected; otherwise the agent will simply resend. */
    @Override
    public void statusUpdate(AgentID agent, FrameworkID framework, TaskStatus status) {
        actor.execute(() -> {
            if (!leading) {
                return;
            }
            Framework f = frameworks.get(framework.getValue());
            if (f != null) {
                sendUpdate(f, status);
            }
        });
    }

    // ---- offers ----

    private void refuse(Framework f, SimulatedAgent agent, double seconds) {
        f.refusedUntil.put(agent.id().getValue(), System.nanoTime() + (long) (seconds * 1e9));
    }

    private void allocate() {
        if (!leading || stopped || System.nanoTime() < recoveredAtNanos) {
            return;
        }
        for (Framework f : frameworks.values()) {
            if (f.stream == null || f.suppressed) {
                continue;
            }
            Event.Offers.Builder batch = Event.Offers.newBuilder();
            for (SimulatedAgent agent : cluster.agents()) {
                String agentId = agent.id().getValue();
                boolean offered = offers.values().stream().anyMatch(o -> o.agent() == agent);
                Long until = f.refusedUntil.get(agentId);
                if (offered || (until != null && System.nanoTime() < until)) {
                    continue;
                }
                Resources free = agent.free();
                if (free.isEmpty()) {
                    continue;
                }
                String offerId = masterId + "-O" + nextOffer++;
                offers.put(offerId, new OfferState(f.id(), agent, free));
                batch.addOffers(Offer.newBuilder()
                        .setId(OfferID.newBuilder().setValue(offerId))
                        .setFrameworkId(f.info.getId())
                        .setAgentId(agent.id())
                        .setHostname(agent.hostname())
                        .addAllResources(free.toProto()));
            }
            if (batch.getOffersCount() > 0) {
                f.stream.send(Event.newBuilder().setType(Event.Type.OFFERS).setOffers(batch).build());
            }
        }
    }

    private void rescindOffers(Framework f, boolean tell) {
        offers.entrySet().removeIf(e -> {
            if (!e.getValue().frameworkId().equals(f.id())) {
                return false;
            }
            if (tell && f.stream != null) {
                f.stream.send(Event.newBuilder().setType(Event.Type.RESCIND).setRescind(Event.Rescind.newBuilder()
                        .setOfferId(OfferID.newBuilder().setValue(e.getKey()))).build());
            }
            return true;
        });
    }

    private void heartbeat() {
        for (Framework f : frameworks.values()) {
            if (f.stream != null) {
                f.stream.send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
            }
        }
    }

    private static Event error(String message) {
        return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
    }

    static boolean isTerminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                 TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }

    /** A plain-text summary for demos: {@code GET /testmaster/state}. */
    private String stateText() throws IOException {
        String frameworksText = onActor(() -> frameworks.values().stream()
                .map(f -> f.id() + (f.stream != null ? " subscribed" : " disconnected"))
                .reduce((a, b) -> a + "," + b).orElse(""));
        return "leading=" + leading + "\n"
                + "frameworks=" + frameworksText + "\n"
                + "live_tasks=" + cluster.liveTasks() + "\n"
                + "launch_counts=" + cluster.launchCounts() + "\n";
    }

    /** How many frameworks currently hold a subscription (for tests and the demo). */
    public int connectedFrameworks() throws IOException {
        return onActor(() -> (int) frameworks.values().stream().filter(f -> f.stream != null).count());
    }

    /**
     * Stops this master as if its process died: its port closes (breaking every subscription), its ZooKeeper session
     * ends (so its json.info_ node goes and another master is elected), and agents stop talking to it.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            actor.submit(() -> {
                if (stopped) {
                    return;
                }
                stopped = true;
                leading = false;
                cluster.resigned(this);
                frameworks.values().forEach(f -> {
                    if (f.stream != null) {
                        f.stream.close();
                    }
                });
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("close: {}", e.toString());
        }
        if (server != null) {
            server.stop(0);
        }
        if (detector != null) {
            detector.close();
        }
        if (group != null) {
            group.close();
        }
        actor.shutdownNow();
        httpThreads.shutdownNow();
        LOG.info("Test master stopped");
    }
}
