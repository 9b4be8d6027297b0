package dev.corral.server.reconfig;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SpecialPaths;
import dev.corral.server.tree.ZnodeStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a configuration into {@code /zookeeper/config} as ZooKeeper's initConfigInZKDatabase does: each member sets
 * it locally (it is not a txn), with the configuration's version as mzxid and the node's version -1.
 */
public final class ConfigNode {
    private ConfigNode() {
    }

    /** Sets the node to {@code config}; returns false (and writes nothing) when it already holds exactly that. */
    public static boolean write(ZnodeStore store, ClusterConfig config, long nowMs) {
        NodeMeta meta = store.meta(SpecialPaths.CONFIG);
        if (meta == null) {
            return false; // TreeBootstrap lays it down; a store without it is not one of ours
        }
        byte[] data = config.text().getBytes(StandardCharsets.UTF_8);
        if (meta.mzxid() == config.version() && Arrays.equals(data, store.data(SpecialPaths.CONFIG))) {
            return false;
        }
        NodeMeta next = meta.withData(config.version(), nowMs, data.length, -1);
        ZnodeStore.Batch batch = store.batch();
        batch.putMeta(SpecialPaths.CONFIG, next).putData(SpecialPaths.CONFIG, data);
        store.commit(batch, false);
        return true;
    }
}
