package dev.corral.mesos.testmaster;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Mesos agent of the TEST master: it runs each task as a local process ({@code sh -c <command>} in a
 * sandbox directory) and, like a real agent's status update manager, keeps each task's status updates in order and
 * resends the oldest unacknowledged one to whichever master leads until the framework acknowledges it. The agent
 * outlives masters, which is what lets tasks survive a master failover.
 */
public final class SimulatedAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedAgent.class);

    /** Where the agent sends updates: the leading master, or nobody while there is none. */
    public interface Uplink {
        void statusUpdate(AgentID agent, FrameworkID framework, TaskStatus status);
    }

    private static final class Task {
        final TaskInfo info;
        final FrameworkInfo framework;
        final Resources resources;
        Process process;
        boolean killRequested;
        TaskStatus latest;
        final Deque<TaskStatus> unacked = new ArrayDeque<>();
        long lastSentNanos;

        Task(TaskInfo info, FrameworkInfo framework) {
            this.info = info;
            this.framework = framework;
            this.resources = Resources.of(info.getResourcesList());
        }

        boolean terminal() {
            return latest != null && TestMaster.isTerminal(latest.getState());
        }
    }

    private final AgentID id;
    private final String hostname;
    private final Resources total;
    private final Path sandboxRoot;
    private final long retryNanos;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile Uplink uplink;

    public SimulatedAgent(String id, String hostname, Resources total, Path sandboxRoot, java.time.Duration updateRetry) {
        this.id = AgentID.newBuilder().setValue(id).build();
        this.hostname = hostname;
        this.total = total;
        this.sandboxRoot = sandboxRoot;
        this.retryNanos = updateRetry.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent " + id);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::resendDue, updateRetry.toMillis(), Math.max(50, updateRetry.toMillis() / 4),
                TimeUnit.MILLISECONDS);
    }

    public AgentID id() {
        return id;
    }

    public String hostname() {
        return hostname;
    }

    /** Points the agent at a new leading master (re-registration) and resends what is still unacknowledged. */
    public void connect(Uplink master) {
        this.uplink = master;
        timer.execute(() -> {
            synchronized (this) {
                tasks.values().forEach(t -> t.lastSentNanos = 0);
            }
            resendDue();
        });
    }

    public void disconnect(Uplink master) {
        if (uplink == master) {
            uplink = null;
        }
    }

    public synchronized Resources free() {
        Resources used = Resources.NONE;
        for (Task t : tasks.values()) {
            if (!t.terminal()) {
                used = used.plus(t.resources);
            }
        }
        return total.minus(used);
    }

    public synchronized boolean hasLiveTask(String taskId) {
        Task t = tasks.get(taskId);
        return t != null && !t.terminal();
    }

    /** Starts the task's process; statuses follow through the update path. */
    public synchronized void launch(FrameworkInfo framework, TaskInfo info) {
        Task task = new Task(info, framework);
        tasks.put(info.getTaskId().getValue(), task);
        try {
            Path sandbox = Files.createDirectories(sandboxRoot.resolve(id.getValue()).resolve(info.getTaskId().getValue()
                    + "-" + System.nanoTime()));
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", info.getCommand().getValue())
                    .directory(sandbox.toFile())
                    .redirectOutput(sandbox.resolve("stdout").toFile())
                    .redirectError(sandbox.resolve("stderr").toFile());
            // CommandInfo.environment first, as a real agent's executor does; the MESOS_* variables are the agent's own.
            info.getCommand().getEnvironment().getVariablesList().forEach(v -> pb.environment().put(v.getName(), v.getValue()));
            pb.environment().put("MESOS_TASK_ID", info.getTaskId().getValue());
            pb.environment().put("MESOS_SANDBOX", sandbox.toString());
            pb.environment().put("MESOS_AGENT_ID", id.getValue());
            task.process = pb.start();
            enqueue(task, TaskState.TASK_STARTING, "");
            enqueue(task, TaskState.TASK_RUNNING, "");
            task.process.onExit().thenAccept(p -> exited(task, p.exitValue()));
        } catch (IOException e) {
            enqueue(task, TaskState.TASK_FAILED, "Cannot start: " + e.getMessage());
        }
    }

    private synchronized void exited(Task task, int code) {
        if (task.terminal()) {
            return;
        }
        if (task.killRequested) {
            enqueue(task, TaskState.TASK_KILLED, "Killed");
        } else if (code == 0) {
            enqueue(task, TaskState.TASK_FINISHED, "Command exited with status 0");
        } else {
            enqueue(task, TaskState.TASK_FAILED, "Command exited with status " + code);
        }
    }

    /** Kills a task's process; the TASK_KILLED update follows. Returns false if the agent does not know it. */
    public synchronized boolean kill(String taskId) {
        Task t = tasks.get(taskId);
        if (t == null) {
            return false;
        }
        if (!t.terminal() && t.process != null) {
            t.killRequested = true;
            t.process.descendants().forEach(ProcessHandle::destroyForcibly);
            t.process.destroyForcibly();
        }
        return true;
    }

    /** The framework acknowledged an update: drop it if it is the oldest, then send the next one. */
    public void acknowledge(String taskId, ByteString uuid) {
        TaskStatus next = null;
        FrameworkID fw = null;
        synchronized (this) {
            Task t = tasks.get(taskId);
            if (t == null || t.unacked.isEmpty() || !t.unacked.peekFirst().getUuid().equals(uuid)) {
                return; // Duplicate or stale acknowledgement: Mesos ignores those too.
            }
            t.unacked.removeFirst();
            if (!t.unacked.isEmpty()) {
                next = t.unacked.peekFirst();
                t.lastSentNanos = System.nanoTime();
                fw = t.framework.getId();
            }
        }
        send(fw, next);
    }

    public synchronized Optional<TaskStatus> latest(String taskId) {
        Task t = tasks.get(taskId);
        return t == null || t.latest == null ? Optional.empty() : Optional.of(t.latest);
    }

    public synchronized List<TaskStatus> latestFor(FrameworkID framework) {
        List<TaskStatus> out = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.framework.getId().equals(framework) && t.latest != null) {
                out.add(t.latest);
            }
        }
        return out;
    }

    /** The frameworks with tasks here, as a re-registering agent reports them to a new master. */
    public synchronized List<FrameworkInfo> frameworks() {
        Map<FrameworkID, FrameworkInfo> out = new LinkedHashMap<>();
        for (Task t : tasks.values()) {
            out.putIfAbsent(t.framework.getId(), t.framework);
        }
        return new ArrayList<>(out.values());
    }

    /** The framework is gone (teardown or failover timeout): kill its tasks and forget its updates. */
    public synchronized void removeFramework(FrameworkID framework) {
        tasks.values().removeIf(t -> {
            if (!t.framework.getId().equals(framework)) {
                return false;
            }
            if (t.process != null) {
                t.process.descendants().forEach(ProcessHandle::destroyForcibly);
                t.process.destroyForcibly();
            }
            return true;
        });
    }

    private void enqueue(Task task, TaskState state, String message) {
        // Holds the monitor (callers are synchronized).
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        TaskStatus status = TaskStatus.newBuilder()
                .setTaskId(task.info.getTaskId())
                .setState(state)
                .setAgentId(id)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setMessage(message)
                .setUuid(ByteString.copyFrom(b.array()))
                .setTimestamp(System.currentTimeMillis() / 1000.0)
                .build();
        task.latest = status;
        task.unacked.addLast(status);
        LOG.info("Agent {}: task {} is {}", id.getValue(), task.info.getTaskId().getValue(), state);
        if (task.unacked.size() == 1) {
            task.lastSentNanos = System.nanoTime();
            FrameworkID fw = task.framework.getId();
            timer.execute(() -> send(fw, status));
        }
    }

    private void resendDue() {
        List<Object[]> due = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            for (Task t : tasks.values()) {
                if (!t.unacked.isEmpty() && now - t.lastSentNanos >= retryNanos) {
                    t.lastSentNanos = now;
                    due.add(new Object[] {t.framework.getId(), t.unacked.peekFirst()});
                }
            }
        }
        for (Object[] d : due) {
            send((FrameworkID) d[0], (TaskStatus) d[1]);
        }
    }

    private void send(FrameworkID fw, TaskStatus status) {
        Uplink u = uplink;
        if (u != null && status != null) {
            u.statusUpdate(id, fw, status);
        }
    }

    public synchronized int liveTasks() {
        return (int) tasks.values().stream().filter(t -> !t.terminal()).count();
    }

    public static TaskID taskId(String value) {
        return TaskID.newBuilder().setValue(value).build();
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        for (Task t : tasks.values()) {
            if (t.process != null) {
                t.process.descendants().forEach(ProcessHandle::destroyForcibly);
                t.process.destroyForcibly();
            }
        }
    }
}
