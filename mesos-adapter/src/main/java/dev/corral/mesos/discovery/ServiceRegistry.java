package dev.corral.mesos.discovery;

import dev.corral.mesos.config.Discovery;
import dev.corral.mesos.ha.Fence;
import dev.corral.mesos.state.TaskIds;
import dev.corral.mesos.state.TaskRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework's running tasks as Curator service-discovery instances: one persistent znode per TASK_RUNNING task at
 * {@code <base>/<service>/<task id>} holding curator-x-discovery's {@code ServiceInstance} JSON (written by its own
 * serializer, so a stock {@code ServiceDiscovery} reads it unchanged). Entries are PERMANENT, not ephemeral: they
 * describe tasks, which outlive any scheduler session; the leader keeps them equal to the task store instead.
 *
 * <p>Only entries whose id is one of this framework's task ids are touched, so a service path may be shared. Every
 * change goes out behind the leader's fence, in multis of at most {@link #BATCH} ops.
 */
public final class ServiceRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);
    static final int BATCH = 100;

    private final CuratorFramework client;
    private final TaskIds ids;
    private final JsonInstanceSerializer<Void> serializer = new JsonInstanceSerializer<>(Void.class);

    public ServiceRegistry(CuratorFramework client, String frameworkName) {
        this.client = client;
        this.ids = new TaskIds(frameworkName);
    }

    /** Makes the service's entries of this framework exactly the running tasks with an address; returns the changes. */
    public int sync(Fence fence, Discovery d, List<TaskRecord> tasks) throws Exception {
        Map<String, ServiceInstance<Void>> wanted = new HashMap<>();
        for (TaskRecord t : tasks) {
            if (t.isRunning() && t.host().isPresent() && ids.owns(t.taskId())) {
                wanted.put(t.taskId(), instance(d, t));
            }
        }
        Map<String, ServiceInstance<Void>> present = read(d);
        List<CuratorOp> ops = new ArrayList<>();
        for (Map.Entry<String, ServiceInstance<Void>> e : present.entrySet()) {
            ServiceInstance<Void> w = wanted.get(e.getKey());
            if (w == null) {
                ops.add(client.transactionOp().delete().forPath(path(d, e.getKey())));
            } else if (!same(w, e.getValue())) {
                ops.add(client.transactionOp().setData().forPath(path(d, e.getKey()), serializer.serialize(w)));
            }
        }
        if (!wanted.isEmpty()) {
            ensure(d.servicePath());
        }
        for (Map.Entry<String, ServiceInstance<Void>> e : wanted.entrySet()) {
            if (!present.containsKey(e.getKey())) {
                ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path(d, e.getKey()),
                        serializer.serialize(e.getValue())));
            }
        }
        for (int i = 0; i < ops.size(); i += BATCH) {
            fence.write(client, ops.subList(i, Math.min(ops.size(), i + BATCH)).toArray(CuratorOp[]::new));
        }
        if (!ops.isEmpty()) {
            LOG.info("Service discovery {}: {} change(s), {} instance(s)", d.servicePath(), ops.size(), wanted.size());
        }
        return ops.size();
    }

    /** Removes every entry of this framework from the service (it moved to another service or base). */
    public int clear(Fence fence, Discovery d) throws Exception {
        return sync(fence, d, List.of());
    }

    /** This framework's entries in the service, by task id; unreadable entries count as present (to be rewritten). */
    public Map<String, ServiceInstance<Void>> read(Discovery d) throws Exception {
        Map<String, ServiceInstance<Void>> out = new HashMap<>();
        List<String> children;
        try {
            children = client.getChildren().forPath(d.servicePath());
        } catch (KeeperException.NoNodeException e) {
            return out;
        }
        for (String c : children) {
            if (!ids.owns(c)) {
                continue;
            }
            try {
                out.put(c, serializer.deserialize(client.getData().forPath(path(d, c))));
            } catch (KeeperException.NoNodeException gone) {
                // Removed meanwhile.
            } catch (Exception unreadable) {
                out.put(c, null);
            }
        }
        return out;
    }

    private static ServiceInstance<Void> instance(Discovery d, TaskRecord t) {
        return new ServiceInstance<>(d.service(), t.taskId(), t.host().orElseThrow(), d.port().orElse(null), null, null,
                t.updatedMillis(), ServiceType.PERMANENT, null);
    }

    private static boolean same(ServiceInstance<Void> a, ServiceInstance<Void> b) {
        return b != null && a.getAddress().equals(b.getAddress()) && java.util.Objects.equals(a.getPort(), b.getPort())
                && a.getName().equals(b.getName()) && b.getServiceType() == ServiceType.PERMANENT;
    }

    private static String path(Discovery d, String id) {
        return d.servicePath() + "/" + id;
    }

    private void ensure(String path) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException fine) {
            // Already there.
        }
    }
}
