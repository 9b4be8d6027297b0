package dev.corral.mesos.scheduler;

import dev.corral.mesos.config.ConfigStore;
import dev.corral.mesos.config.ConfigWatch;
import dev.corral.mesos.config.Discovery;
import dev.corral.mesos.config.FrameworkConfig;
import dev.corral.mesos.detect.MasterSource;
import dev.corral.mesos.discovery.ServiceRegistry;
import dev.corral.mesos.ha.Fence;
import dev.corral.mesos.ha.FencedException;
import dev.corral.mesos.ha.LeaderElection;
import dev.corral.mesos.ha.LeadershipListener;
import dev.corral.mesos.state.OperatorRequests;
import dev.corral.mesos.state.StateStore;
import dev.corral.mesos.state.TaskRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of a highly available Mesos framework scheduler. Instances elect a leader through the coordination
 * service; only the leader subscribes to Mesos. The rules that make failover safe:
 * <ul>
 *   <li>the FrameworkID is stored on the first SUBSCRIBED and sent on every later SUBSCRIBE, so a new leader takes
 *       over the same framework (and its tasks) within the failover timeout;</li>
 *   <li>a task's intent is stored before its LAUNCH is sent, so a new leader knows of every task that may exist;</li>
 *   <li>a status update is stored before it is acknowledged, so an update is never lost between two leaders (an
 *       unacknowledged one is resent by Mesos);</li>
 *   <li>after subscribing, the leader reconciles: explicitly for every task it knows, until each has answered, then
 *       implicitly; it launches nothing before that, so nothing is launched twice;</li>
 *   <li>every write is fenced; a fenced-off write means another instance leads, and this one abdicates;</li>
 *   <li>what to run comes from the stored configuration document (flags only seed its first version); every instance
 *       watches it, and the leader converges the tasks on each new version ({@link RolloutPlan}: scale, one-at-a-time
 *       replacement), computed from the stored state alone so a new leader continues a half-done rollout;</li>
 *   <li>running tasks are kept registered for Curator service discovery ({@link ServiceRegistry}), re-synced with
 *       the task store after every reconciliation, so no stale entry survives a failover.</li>
 * </ul>
 * All scheduler state is owned by one thread.
 *
 * <p>Size: over 400 lines because the Mesos event handling, reconciliation and the config rollout share the one
 * state-owning thread and its invariants (nothing launched before reconciliation, intents before launches); splitting
 * them would spread those invariants over classes that must then share mutable state.
 */
public final class FrameworkScheduler implements LeadershipListener, SchedulerConnection.Handler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkScheduler.class);

    private final CuratorFramework client;
    private final StateStore store;
    private final MasterSource masters;
    private final SchedulerConfig config;
    private final LeaderElection election;
    private final ScheduledExecutorService exec;
    private final ExecutorService calls;
    private final OperatorRequests requests;
    private final ConfigStore configs;
    private final ServiceRegistry registry;
    private CuratorCache requestWatch;
    private ConfigWatch configWatch;
    private volatile ConfigStore.Versioned applied;
    private volatile String legacyHash = "";
    private volatile RolloutPlan rollout;

    // Owned by exec.
    private Fence fence;
    private SchedulerConnection connection;
    private Optional<FrameworkID> frameworkId = Optional.empty();
    private final Set<String> awaitingReconciliation = new HashSet<>();
    private int explicitlyReconciled;
    private boolean suppressed;
    private volatile boolean subscribed;
    private volatile boolean reconciled;
    private volatile int reconciliations;
    private volatile String lastError = "";
    private ScheduledFuture<?> convergeTimer;
    private Discovery syncedDiscovery;
    private final Map<String, Long> killSent = new HashMap<>();

    public FrameworkScheduler(CuratorFramework client, StateStore store, MasterSource masters, SchedulerConfig config) {
        this.client = client;
        this.store = store;
        this.masters = masters;
        this.config = config;
        this.election = new LeaderElection(client, store.paths(), config.address(), this);
        this.requests = new OperatorRequests(client, store.paths());
        this.configs = new ConfigStore(client, store.paths());
        this.registry = new ServiceRegistry(client, config.frameworkName());
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler " + config.address());
            t.setDaemon(true);
            return t;
        });
        // Calls go out on their own thread, in order, so a slow master never stalls event handling.
        this.calls = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scheduler-calls " + config.address());
            t.setDaemon(true);
            return t;
        });
    }

    /** Seeds (or loads) the configuration, starts watching it, then joins the election. */
    public void start() throws Exception {
        ConfigStore.Startup startup = configs.startup(config.seed());
        applied = startup.running();
        startup.problem().ifPresent(p -> lastError = p);
        legacyHash = configs.seedSpecHash().orElse(applied.config().specHash());
        configWatch = new ConfigWatch(client, store.paths(), this::configChanged, bad ->
                lastError = "configuration version " + bad.version() + " refused (" + bad.problem().getMessage()
                        + "); still running version " + applied.version());
        configWatch.start();
        election.start();
    }

    /** A new valid version (watch thread): every instance keeps it; the leader converges on it. */
    private void configChanged(ConfigStore.Versioned v) {
        ConfigStore.Versioned before = applied;
        if (before != null && v.version() <= before.version() && v.config().equals(before.config())) {
            return;
        }
        applied = v;
        LOG.info("Configuration version {} {}", v.version(), isLeader() ? "received; applying" : "received (standby)");
        exec.execute(this::converge);
    }

    /** The configuration version this instance runs (the leader applies it; a standby holds it ready). */
    public ConfigStore.Versioned appliedConfig() {
        return applied;
    }

    /** The leader's latest rollout plan, if it has made one. */
    public Optional<RolloutPlan> rollout() {
        return Optional.ofNullable(rollout);
    }

    public boolean isLeader() {
        return election.isLeader();
    }

    public boolean isSubscribed() {
        return subscribed;
    }

    /** True once explicit then implicit reconciliation have been done for the current subscription. */
    public boolean isReconciled() {
        return reconciled;
    }

    /** How many times reconciliation completed (once per subscription as leader). */
    public int reconciliations() {
        return reconciliations;
    }

    public String lastError() {
        return lastError;
    }

    public LeaderElection election() {
        return election;
    }

    // ---- leadership ----

    @Override
    public void elected(Fence f) {
        exec.execute(() -> {
            fence = f;
            try {
                frameworkId = store.frameworkId();
            } catch (Exception e) {
                LOG.error("Cannot read the FrameworkID: {}", e.toString());
                election.abdicate("cannot read state");
                return;
            }
            LOG.info("Leading (epoch {}); subscribing as {}", f.epoch(), frameworkId.map(FrameworkID::getValue).orElse("a new framework"));
            connection = new SchedulerConnection(masters, this, config.connection());
            connection.start();
            // Operator requests arrive as znodes; the watch brings them to the leader as they are added.
            requestWatch = CuratorCache.build(client, store.paths().requests());
            requestWatch.listenable().addListener(CuratorCacheListener.builder()
                    .forCreates(node -> exec.execute(this::serveRequests)).build());
            requestWatch.start();
        });
    }

    @Override
    public void deposed(String reason) {
        exec.execute(this::stopLeading);
    }

    private void stopLeading() {
        fence = null;
        if (convergeTimer != null) {
            convergeTimer.cancel(false);
            convergeTimer = null;
        }
        syncedDiscovery = null;
        killSent.clear();
        rollout = null;
        if (requestWatch != null) {
            requestWatch.close();
            requestWatch = null;
        }
        subscribed = false;
        reconciled = false;
        awaitingReconciliation.clear();
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void abdicate(String reason) {
        LOG.warn("Abdicating: {}", reason);
        stopLeading();
        election.abdicate(reason);
    }

    // ---- the connection's callbacks (connection thread) ----

    @Override
    public Call subscribeCall() {
        FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
                .setUser(config.user())
                .setName(config.frameworkName())
                .setFailoverTimeout(applied.config().failoverTimeout().toMillis() / 1000.0)
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
        Optional<FrameworkID> id;
        try {
            id = store.frameworkId(); // read fresh: it may have been stored since we were elected
        } catch (Exception e) {
            id = frameworkId;
        }
        id.ifPresent(info::setId);
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        id.ifPresent(call::setFrameworkId);
        return call.build();
    }

    @Override
    public void received(Event event) {
        exec.execute(() -> {
            try {
                if (fence != null) {
                    handle(event);
                }
            } catch (FencedException e) {
                abdicate(e.getMessage());
            } catch (Exception e) {
                LOG.error("Handling {} failed", event.getType(), e);
                lastError = e.toString();
            }
        });
    }

    @Override
    public void disconnected(String reason) {
        exec.execute(() -> {
            subscribed = false;
            reconciled = false;
            LOG.info("Disconnected from Mesos: {}", reason);
        });
    }

    // ---- events (exec thread) ----

    private void handle(Event event) throws Exception {
        switch (event.getType()) {
            case SUBSCRIBED -> subscribed(event.getSubscribed());
            case OFFERS -> offers(event.getOffers().getOffersList());
            case UPDATE -> update(event.getUpdate().getStatus());
            case ERROR -> error(event.getError().getMessage());
            case HEARTBEAT, RESCIND, RESCIND_INVERSE_OFFER, INVERSE_OFFERS, MESSAGE -> { }
            case FAILURE -> LOG.warn("Failure reported: {}", event.getFailure());
            default -> LOG.debug("Ignoring {}", event.getType());
        }
    }

    private void subscribed(Event.Subscribed s) throws Exception {
        try {
            store.recordFrameworkId(fence, s.getFrameworkId());
        } catch (IllegalStateException refused) {
            // A fresh id while our tasks belong to another: do not adopt it; stop and let an operator decide.
            LOG.error("{}", refused.getMessage());
            lastError = refused.getMessage();
            abdicate("refused a fresh FrameworkID");
            return;
        }
        frameworkId = Optional.of(s.getFrameworkId());
        subscribed = true;
        reconciled = false;
        suppressed = false;
        LOG.info("Subscribed as framework {} at {}", s.getFrameworkId().getValue(), masterEndpoint());
        awaitingReconciliation.clear();
        for (TaskRecord t : store.tasks()) {
            if (!t.isTerminal()) {
                awaitingReconciliation.add(t.taskId());
            }
        }
        explicitlyReconciled = awaitingReconciliation.size();
        reconcileStep();
    }

    /** Explicit reconciliation of what is still unanswered, retried; then one implicit round. */
    private void reconcileStep() throws Exception {
        if (!subscribed || reconciled) {
            return;
        }
        if (awaitingReconciliation.isEmpty()) {
            send(reconcileCall(List.of()));
            reconciled = true;
            reconciliations++;
            // One machine-readable line per completed reconciliation (scripts/mesos-demo and the tests look for it).
            LOG.info("Reconciliation completed: framework={} epoch={} master={} explicit={} count={}",
                    frameworkId.get().getValue(), fence.epoch(), masterEndpoint(), explicitlyReconciled, reconciliations);
            send(Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(frameworkId.get()).build());
            serveRequests();
            converge();
            if (convergeTimer == null) {
                // Re-checks what a lost KILL or a missed watch would otherwise leave undone.
                long every = Math.max(200, config.reconcileRetry().toMillis());
                convergeTimer = exec.scheduleWithFixedDelay(this::converge, every, every, TimeUnit.MILLISECONDS);
            }
            return;
        }
        Map<String, TaskRecord> known = store.tasks().stream().collect(Collectors.toMap(TaskRecord::taskId, Function.identity()));
        List<Call.Reconcile.Task> tasks = new ArrayList<>();
        for (String id : awaitingReconciliation) {
            Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id));
            Optional.ofNullable(known.get(id)).flatMap(TaskRecord::agentId)
                    .ifPresent(a -> t.setAgentId(AgentID.newBuilder().setValue(a)));
            tasks.add(t.build());
        }
        LOG.info("Reconciling {} task(s) explicitly", tasks.size());
        send(reconcileCall(tasks));
        exec.schedule(() -> {
            try {
                reconcileStep();
            } catch (Exception e) {
                LOG.warn("Reconciliation retry failed: {}", e.toString());
            }
        }, config.reconcileRetry().toMillis(), TimeUnit.MILLISECONDS);
    }

    private String masterEndpoint() {
        SchedulerConnection c = connection;
        return c == null ? "-" : c.endpoint().map(u -> u.getHost() + ":" + u.getPort()).orElse("-");
    }

    private Call reconcileCall(List<Call.Reconcile.Task> tasks) {
        return Call.newBuilder().setType(Call.Type.RECONCILE).setFrameworkId(frameworkId.get())
                .setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks)).build();
    }

    private void update(TaskStatus status) throws Exception {
        String taskId = status.getTaskId().getValue();
        Optional<TaskRecord> before = store.task(taskId);
        Optional<String> uuid = status.hasUuid() ? Optional.of(HexFormat.of().formatHex(status.getUuid().toByteArray()))
                : Optional.empty();
        Optional<String> agent = status.hasAgentId() ? Optional.of(status.getAgentId().getValue()) : Optional.empty();
        TaskRecord after = before.orElse(TaskRecord.intended(taskId))
                .withStatus(status.getState().name(), agent, uuid, status.getMessage());
        // Stored first: if we die before acknowledging, Mesos resends and the next leader stores it again.
        store.recordIntent(fence, after);
        if (status.hasUuid()) {
            send(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setFrameworkId(frameworkId.get())
                    .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(status.getAgentId())
                            .setTaskId(status.getTaskId()).setUuid(status.getUuid()))
                    .build());
        }
        if (awaitingReconciliation.remove(taskId) && awaitingReconciliation.isEmpty()) {
            reconcileStep();
        }
        if (relaunchable(after) && suppressed) {
            suppressed = false;
            send(Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(frameworkId.get()).build());
        }
        converge();
    }

    /** Mesos says the task never reached an agent: launching it (again) cannot make two copies. */
    private static boolean relaunchable(TaskRecord r) {
        return r.state().equals("TASK_UNKNOWN") || r.state().equals("TASK_DROPPED");
    }

    private void error(String message) throws Exception {
        LOG.error("Mesos error: {}", message);
        lastError = message;
        if (message.contains("removed")) {
            // The master gave up on our framework (failover timeout): its tasks are gone with it.
            for (TaskRecord t : store.tasks()) {
                if (!t.isTerminal()) {
                    store.update(fence, t.withStatus("TASK_LOST", Optional.empty(), Optional.empty(), "framework removed"));
                }
            }
            store.clearFrameworkId(fence);
            frameworkId = Optional.empty();
        } else if (message.contains("failed over")) {
            abdicate("another scheduler instance subscribed with our FrameworkID");
        }
    }

    private void offers(List<Offer> offers) throws Exception {
        if (!reconciled) {
            // Until reconciliation is done we do not know what runs; launch nothing.
            for (Offer o : offers) {
                decline(o, 1);
            }
            return;
        }
        ConfigStore.Versioned v = applied;
        FrameworkConfig c = v.config();
        // Planned afresh from the store: what an earlier batch of offers launched is already recorded as intended.
        List<RolloutPlan.Launch> wanted = new ArrayList<>(plan(v).launches());
        for (Offer offer : offers) {
            double cpus = scalar(offer, "cpus");
            double mem = scalar(offer, "mem");
            List<TaskInfo> launch = new ArrayList<>();
            while (!wanted.isEmpty() && cpus + 1e-6 >= c.cpus() && mem + 1e-6 >= c.mem()) {
                RolloutPlan.Launch l = wanted.remove(0);
                TaskRecord intent = l.relaunch()
                        .map(r -> r.withStatus(TaskRecord.INTENDED, Optional.empty(), Optional.empty(), ""))
                        .orElse(TaskRecord.intended(l.taskId()))
                        .withLaunch(offer.getAgentId().getValue(), offer.getHostname(), c.specHash());
                store.recordIntent(fence, intent); // before LAUNCH
                launch.add(TaskInfo.newBuilder()
                        .setName(l.taskId())
                        .setTaskId(TaskID.newBuilder().setValue(l.taskId()))
                        .setAgentId(offer.getAgentId())
                        .addResources(scalarResource("cpus", c.cpus()))
                        .addResources(scalarResource("mem", c.mem()))
                        .setCommand(command(c))
                        .build());
                cpus -= c.cpus();
                mem -= c.mem();
            }
            if (launch.isEmpty()) {
                decline(offer, 5);
            } else {
                LOG.info("Launching {} on {} (config v{})", launch.stream().map(TaskInfo::getName).toList(),
                        offer.getAgentId().getValue(), v.version());
                send(Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(frameworkId.get())
                        .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(launch)))
                                .setFilters(Filters.newBuilder().setRefuseSeconds(1)))
                        .build());
            }
        }
        if (wanted.isEmpty() && !suppressed) {
            suppressed = true;
            send(Call.newBuilder().setType(Call.Type.SUPPRESS).setFrameworkId(frameworkId.get()).build());
        }
    }

    private static CommandInfo command(FrameworkConfig c) {
        CommandInfo.Builder b = CommandInfo.newBuilder().setShell(true).setValue(c.command());
        if (!c.environment().isEmpty()) {
            Environment.Builder env = Environment.newBuilder();
            c.environment().forEach((k, val) -> env.addVariables(Environment.Variable.newBuilder().setName(k).setValue(val)));
            b.setEnvironment(env);
        }
        return b.build();
    }

    private RolloutPlan plan(ConfigStore.Versioned v) throws Exception {
        return RolloutPlan.compute(config.frameworkName(), v.version(), v.config(), store.tasks(), legacyHash,
                System.currentTimeMillis());
    }

    // ---- configuration rollout and service discovery (exec thread) ----

    /**
     * Brings tasks and discovery entries towards the applied configuration: kills what the plan says (each behind a
     * fenced record write, so a deposed leader kills nothing), revives offers when something waits to launch (offers
     * do the launching), and re-syncs the service's entries with the task store. Idempotent; runs after every status
     * update, configuration version and reconciliation, and on a timer while leading.
     */
    private void converge() {
        if (fence == null || !reconciled || frameworkId.isEmpty()) {
            return;
        }
        try {
            ConfigStore.Versioned v = applied;
            List<TaskRecord> tasks = store.tasks();
            RolloutPlan plan = RolloutPlan.compute(config.frameworkName(), v.version(), v.config(), tasks, legacyHash,
                    System.currentTimeMillis());
            Map<String, TaskRecord> known = tasks.stream().collect(Collectors.toMap(TaskRecord::taskId, Function.identity()));
            long now = System.currentTimeMillis();
            killSent.keySet().retainAll(plan.kills().stream().map(RolloutPlan.Kill::taskId).toList());
            for (RolloutPlan.Kill k : plan.kills()) {
                Long last = killSent.get(k.taskId());
                if (last != null && now - last < Math.max(1000, config.reconcileRetry().toMillis())) {
                    continue; // sent recently; a lost KILL is sent again later
                }
                TaskRecord r = known.get(k.taskId());
                store.update(fence, r.withMessage("kill requested: " + k.reason()));
                killSent.put(k.taskId(), now);
                LOG.info("Killing {}: {}", k.taskId(), k.reason());
                Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(k.taskId()));
                r.agentId().ifPresent(a -> kill.setAgentId(AgentID.newBuilder().setValue(a)));
                send(Call.newBuilder().setType(Call.Type.KILL).setFrameworkId(frameworkId.get()).setKill(kill).build());
            }
            if (!plan.launches().isEmpty() && suppressed) {
                suppressed = false;
                send(Call.newBuilder().setType(Call.Type.REVIVE).setFrameworkId(frameworkId.get()).build());
            }
            Discovery d = v.config().discovery();
            if (syncedDiscovery == null) {
                clearEarlierServices(d);
            } else if (!syncedDiscovery.servicePath().equals(d.servicePath())) {
                registry.clear(fence, syncedDiscovery);
            }
            registry.sync(fence, d, tasks);
            syncedDiscovery = d;
            RolloutPlan before = rollout;
            rollout = plan;
            if (before == null || !before.summary().equals(plan.summary())) {
                // One machine-readable line per rollout state change (scripts/mesos-demo and the tests look for it).
                LOG.info("Rollout {}: {}", plan.phase(), plan.summary());
            }
        } catch (FencedException e) {
            abdicate(e.getMessage());
        } catch (Exception e) {
            LOG.warn("Converging on the configuration failed: {}", e.toString());
            lastError = e.toString();
        }
    }

    /**
     * A new leader removes this framework's entries under the service paths of earlier kept versions: the discovery
     * settings may have changed while no leader (or a dying one) could move the entries.
     */
    private void clearEarlierServices(Discovery current) throws Exception {
        Set<String> done = new HashSet<>(Set.of(current.servicePath()));
        for (ConfigStore.Stored h : configs.history()) {
            try {
                Discovery earlier = h.decode().discovery();
                if (done.add(earlier.servicePath())) {
                    registry.clear(fence, earlier);
                }
            } catch (dev.corral.mesos.config.InvalidConfigException skipped) {
                // Never applied.
            }
        }
    }

    private void decline(Offer o, double refuseSeconds) {
        send(Call.newBuilder().setType(Call.Type.DECLINE).setFrameworkId(frameworkId.get())
                .setDecline(Call.Decline.newBuilder().addOfferIds(o.getId())
                        .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)))
                .build());
    }

    private static double scalar(Offer o, String name) {
        return o.getResourcesList().stream().filter(r -> r.getName().equals(name))
                .mapToDouble(r -> r.getScalar().getValue()).sum();
    }

    private static org.apache.mesos.v1.Protos.Resource scalarResource(String name, double v) {
        return org.apache.mesos.v1.Protos.Resource.newBuilder().setName(name)
                .setType(org.apache.mesos.v1.Protos.Value.Type.SCALAR)
                .setScalar(org.apache.mesos.v1.Protos.Value.Scalar.newBuilder().setValue(v)).build();
    }

    /** Queues a call; calls go out in order on their own thread. */
    private void send(Call call) {
        SchedulerConnection c = connection;
        if (c == null) {
            return;
        }
        calls.execute(() -> {
            try {
                c.send(call);
            } catch (Exception e) {
                LOG.info("{} not sent: {}", call.getType(), e.toString());
            }
        });
    }

    // ---- operator actions ----

    /** Carries out pending operator requests once subscribed and reconciled; each is deleted (fenced) when sent. */
    private void serveRequests() {
        if (fence == null || !reconciled || frameworkId.isEmpty()) {
            return; // Picked up again when reconciliation completes.
        }
        try {
            for (OperatorRequests.Request r : requests.pending()) {
                String[] words = r.text().trim().split("\\s+");
                if (words.length == 2 && words[0].equals("kill")) {
                    LOG.info("Operator request {}: {}", r.path(), r.text());
                    kill(words[1]);
                } else {
                    LOG.warn("Ignoring unknown operator request {}: {}", r.path(), r.text());
                }
                requests.complete(fence, r);
            }
        } catch (FencedException e) {
            abdicate(e.getMessage());
        } catch (Exception e) {
            LOG.warn("Serving operator requests failed: {}", e.toString());
        }
    }

    /** Asks Mesos to kill a task (leader only). */
    public void kill(String taskId) {
        exec.execute(() -> frameworkId.ifPresent(id -> send(Call.newBuilder().setType(Call.Type.KILL).setFrameworkId(id)
                .setKill(Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))).build())));
    }

    /** Ends the framework in Mesos (all its tasks are killed) and forgets its id (leader only). */
    public void teardown() throws Exception {
        exec.submit(() -> {
            if (fence == null || frameworkId.isEmpty()) {
                return null;
            }
            Call call = Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(frameworkId.get()).build();
            calls.submit(() -> connection.send(call)).get(10, TimeUnit.SECONDS);
            for (TaskRecord t : store.tasks()) {
                if (!t.isTerminal()) {
                    store.update(fence, t.withStatus("TASK_KILLED", Optional.empty(), Optional.empty(), "teardown"));
                }
            }
            store.clearFrameworkId(fence);
            frameworkId = Optional.empty();
            return null;
        }).get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            exec.submit(this::stopLeading).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("close: {}", e.toString());
        }
        if (configWatch != null) {
            configWatch.close();
        }
        election.close();
        exec.shutdownNow();
        calls.shutdownNow();
    }
}
