package dev.corral.mesos.cli;

import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Option;

/** Where a framework's HA state lives: {@code --zk zk://[user:pass@]servers[/base]} and {@code --framework-name}. */
public final class StateOptions {

    @Option(names = "--zk", required = true,
            description = "Coordination service for scheduler state, zk://[user:pass@]host:port[,host:port...][/base] (base defaults to /corral-mesos)")
    String zk;

    @Option(names = "--framework-name", required = true, description = "Framework name; also names its state znode")
    String frameworkName;

    @Option(names = "--zk-session-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "ZooKeeper session timeout (default: ${DEFAULT-VALUE})")
    Duration sessionTimeout;

    ZkUrl url() {
        return ZkUrl.parse(zk);
    }

    FrameworkPaths paths() {
        String base = url().znode();
        return FrameworkPaths.of(base.isEmpty() ? "/corral-mesos" : base, frameworkName);
    }

    CuratorFramework connect() throws InterruptedException {
        return Coordination.connect(url(), sessionTimeout);
    }
}
