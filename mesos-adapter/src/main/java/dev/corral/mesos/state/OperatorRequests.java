package dev.corral.mesos.state;

import dev.corral.mesos.ha.Fence;
import dev.corral.mesos.ha.FrameworkPaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Operator actions handed to whichever instance leads: a tool (holding the operator lock) adds a sequential znode
 * such as {@code kill web-2}; the leader, watching the parent, carries it out and deletes it with a fenced write.
 * Tools never need to know who leads or reach it over the network.
 */
public final class OperatorRequests {

    /** One pending request: its znode path and its text. */
    public record Request(String path, String text) {}

    private final CuratorFramework client;
    private final FrameworkPaths paths;

    public OperatorRequests(CuratorFramework client, FrameworkPaths paths) {
        this.client = client;
        this.paths = paths;
    }

    public String submit(String text) throws Exception {
        return client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(paths.requests() + "/req-", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Pending requests, oldest first. */
    public List<Request> pending() throws Exception {
        List<String> children;
        try {
            children = new ArrayList<>(client.getChildren().forPath(paths.requests()));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        Collections.sort(children); // same prefix, %010d suffix: lexical order is creation order
        List<Request> out = new ArrayList<>();
        for (String c : children) {
            String path = paths.requests() + "/" + c;
            try {
                out.add(new Request(path, new String(client.getData().forPath(path), StandardCharsets.UTF_8)));
            } catch (KeeperException.NoNodeException done) {
                // Completed meanwhile.
            }
        }
        return out;
    }

    /** Marks a request done; fenced, so only the current leader can consume requests. */
    public void complete(Fence fence, Request request) throws Exception {
        try {
            fence.write(client, client.transactionOp().delete().forPath(request.path()));
        } catch (KeeperException.NoNodeException alreadyDone) {
            // Fine.
        }
    }
}
