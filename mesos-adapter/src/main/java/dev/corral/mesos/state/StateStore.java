package dev.corral.mesos.state;

import dev.corral.mesos.ha.Fence;
import dev.corral.mesos.ha.FrameworkPaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.zookeeper.KeeperException;

/**
 * The scheduler's durable state in the coordination service: the FrameworkID and one znode per task. Reads are
 * plain; every write goes through the leader's {@link Fence}, so a deposed leader cannot write.
 *
 * <p>The ordering rules live in the scheduler; this class makes them possible: an intent is written before LAUNCH
 * ({@link #recordIntent}), a status before its ACKNOWLEDGE ({@link #recordStatus}), and the FrameworkID once, on the
 * first SUBSCRIBED ({@link #recordFrameworkId}).
 */
public final class StateStore {

    private final CuratorFramework client;
    private final FrameworkPaths paths;

    public StateStore(CuratorFramework client, FrameworkPaths paths) {
        this.client = client;
        this.paths = paths;
    }

    public FrameworkPaths paths() {
        return paths;
    }

    public Optional<FrameworkID> frameworkId() throws Exception {
        try {
            byte[] data = client.getData().forPath(paths.frameworkId());
            return Optional.of(FrameworkID.newBuilder().setValue(new String(data, StandardCharsets.UTF_8)).build());
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /**
     * Stores the FrameworkID the master assigned on SUBSCRIBED. The same id again is a no-op. A different id is
     * refused while tasks exist: those tasks belong to the old framework, and adopting a fresh id would orphan them
     * (the master would kill them when the old framework's failover timeout ran out). Without tasks a new id replaces
     * the old one (e.g. after the old framework was torn down).
     */
    public void recordFrameworkId(Fence fence, FrameworkID id) throws Exception {
        Optional<FrameworkID> stored = frameworkId();
        if (stored.equals(Optional.of(id))) {
            return;
        }
        List<TaskRecord> live = tasks().stream().filter(t -> !t.isTerminal()).toList();
        if (!live.isEmpty()) {
            throw new IllegalStateException("Refusing FrameworkID " + id.getValue() + ": " + live.size()
                    + " task(s) belong to " + stored.map(FrameworkID::getValue).orElse("an unrecorded framework"));
        }
        byte[] data = id.getValue().getBytes(StandardCharsets.UTF_8);
        ensureParents();
        if (stored.isEmpty()) {
            fence.write(client, client.transactionOp().create().forPath(paths.frameworkId(), data));
        } else {
            fence.write(client, client.transactionOp().setData().forPath(paths.frameworkId(), data));
        }
    }

    /** Forgets the FrameworkID (after TEARDOWN or when the master says the framework was removed). */
    public void clearFrameworkId(Fence fence) throws Exception {
        if (frameworkId().isPresent()) {
            fence.write(client, client.transactionOp().delete().forPath(paths.frameworkId()));
        }
    }

    /** Writes a task's intent; must happen before its LAUNCH is sent. */
    public void recordIntent(Fence fence, TaskRecord record) throws Exception {
        ensureParents();
        try {
            fence.write(client, client.transactionOp().create().forPath(paths.task(record.taskId()), record.encode()));
        } catch (KeeperException.NodeExistsException e) {
            fence.write(client, client.transactionOp().setData().forPath(paths.task(record.taskId()), record.encode()));
        }
    }

    /** Overwrites a task's record (a launch or a status); must happen before the status is acknowledged. */
    public void update(Fence fence, TaskRecord record) throws Exception {
        fence.write(client, client.transactionOp().setData().forPath(paths.task(record.taskId()), record.encode()));
    }

    public Optional<TaskRecord> task(String taskId) throws Exception {
        try {
            return Optional.of(TaskRecord.decode(client.getData().forPath(paths.task(taskId))));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    public List<TaskRecord> tasks() throws Exception {
        List<String> ids;
        try {
            ids = client.getChildren().forPath(paths.tasks());
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        List<TaskRecord> out = new ArrayList<>();
        for (String id : ids) {
            task(id).ifPresent(out::add);
        }
        out.sort(java.util.Comparator.comparing(TaskRecord::taskId));
        return out;
    }

    private void ensureParents() throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(paths.tasks());
        } catch (KeeperException.NodeExistsException fine) {
            // Already there.
        }
    }
}
