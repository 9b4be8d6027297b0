package dev.corral.mesos.cli;

import dev.corral.mesos.config.ConfigStore;
import dev.corral.mesos.config.InvalidConfigException;
import dev.corral.mesos.discovery.ServiceRegistry;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.scheduler.RolloutPlan;
import dev.corral.mesos.state.TaskRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/**
 * The configuration part of {@code status}: the stored version, the rollout state (the same {@link RolloutPlan} the
 * leader computes, from the same stored state, so it needs no channel to the leader) and the discovery entries.
 */
final class StatusLines {

    private StatusLines() {}

    static void config(PrintWriter out, CuratorFramework client, FrameworkPaths paths, String frameworkName,
                       List<TaskRecord> tasks) throws Exception {
        ConfigStore configs = new ConfigStore(client, paths);
        Optional<ConfigStore.Stored> stored = configs.stored();
        if (stored.isEmpty()) {
            out.println("config:       (none stored)");
            return;
        }
        ConfigStore.Versioned v;
        try {
            v = new ConfigStore.Versioned(stored.get().version(), stored.get().decode());
            out.println("config:       version " + v.version() + " (spec " + v.config().specHash() + ", "
                    + v.config().instances() + " instance(s))");
        } catch (InvalidConfigException e) {
            out.println("config:       version " + stored.get().version() + " is INVALID (" + e.getMessage()
                    + "); the scheduler keeps running the last valid version");
            return;
        }
        String legacy = configs.seedSpecHash().orElse(v.config().specHash());
        RolloutPlan plan = RolloutPlan.compute(frameworkName, v.version(), v.config(), tasks, legacy, System.currentTimeMillis());
        out.println("rollout:      " + plan.phase() + " - " + plan.summary());
        int entries = new ServiceRegistry(client, frameworkName).read(v.config().discovery()).size();
        out.println("discovery:    " + v.config().discovery().servicePath() + " (" + entries + " instance(s))");
    }
}
